/*
 * app.js - the viewer page's start: reads /api/trace, builds the lanes and
 * ties the modules together. The page is a timeline of one trace on one
 * canvas, fed by the JSON API of `thrace serve` (viewer/API.md), with a Log,
 * a Stats and a Deadlocks tab. A live trace (`thrace daemon` storing it)
 * is asked for again every second and each answer applied: the trace's
 * end, new lanes, the window, the log and, at most every SLOW_REFRESH ms,
 * the stats and the deadlocks, when its `changes` moved (API.md) or once
 * its edge has gone SETTLE ns past the last change: a wait open there is
 * then stuck (deadlocks.c's grace is 1 s). `thrace daemon`'s page keeps asking, live or
 * not: a trace that appears (in an empty database too) gets its lanes, and
 * a view at the end shows it (view.js's showNew). `#empty` says what an
 * empty database waits for.
 *
 *   api.js       requests, and exact times (ns since the trace's begin)
 *   trace.js     the trace's threads and objects, their lanes and labels
 *   view.js      the part of the trace shown; zoom and pan
 *   plot.js      the canvas's geometry
 *   loader.js    the visible window, asked for when the view settles
 *   draw.js      the canvas drawn, and what lies where
 *   selection.js the object followed
 *   tooltip.js   what lies under the pointer, told as the guide's logs
 *   input.js     mouse and keyboard
 *   tabs.js      the tabs, and the Stats tab
 *   logtab.js    the Log tab: every line, paged, filtered; a line to its moment
 *   moment.js    the moment marked on the timeline
 *   urlstate.js  the view in the URL's hash; back and forward
 *   search.js    the search box: lanes by name, then log lines
 *   keyhelp.js   `?`: the keys
 *   deadlocks.js the Deadlocks tab, and the lanes its findings name
 *   hostfilter.js the timeline kept to one host's lanes, when there are several
 *   live.js      a live trace: its badge, its polling, following its end
 *   activity.js  the view it opens on: the programs' activity; the whole recording
 *   boxzoom.js   zooming to a stretch dragged on the axis (or with Shift)
 *   lanegroups.js headings that fold their lanes, the lane filter
 *   cards.js     the Deadlocks tab's cards, a finding shown on the timeline
 *   losses.js    what the traces lost, by cause: the banner, the Stats tab's line
 *   serial.js    loads that never run twice at once
 *   states.js, format.js, status.js   names and colours, numbers, footer
 *
 * Hooks for tests: each lane label is `#lanes [data-lane="thread:ID"]` or
 * `[data-lane="object:ID"]` (its `.name` the name); `document.body.dataset
 * .state` is "ready" once the first window is drawn ("error" if the page
 * could not start); the canvas carries the trace's begin (`data-base`, ns
 * since the epoch), the trace's end (`data-end`), the view (`data-view-t0`,
 * `data-view-t1`) and the window last drawn (`data-drawn-t0`,
 * `data-drawn-t1`), in ns since the begin; the tooltip is `#tooltip`. The
 * vertical middle of a thread's lane lies in its row of waits, sleeps and
 * joins. The moment marked is the canvas's `data-mark` (moment.js), what
 * the search found `document.body.dataset.found` (search.js), the Log's
 * lines `#log-text .log-line` (logtab.js). A live trace: live.js's
 * `document.body.dataset.live` and `.following`, the badge `#live`, the
 * button `#follow`. The timeline's tools: a heading's `data-group` (its
 * fold's key, class `folded` when folded), the field `#lane-filter`, the
 * buttons `#activity` and `#whole`, the Deadlocks tab's cards
 * `#cards .card`, the finding shown (`document.body.dataset.finding`, its
 * lanes' labels `data-lit="1"`).
 */
import { keepActivity, listenActivity, showActivity } from './activity.js';
import { api, getBase, pageTimes, setBase } from './api.js';
import { listenBoxZoom } from './boxzoom.js';
import { listenCards, markLit } from './cards.js';
import { loadDeadlocks, markDeadlocked, onSeen } from './deadlocks.js';
import { draw, requestDraw } from './draw.js';
import { formatDuration, formatSeconds } from './format.js';
import { listenHostFilter, showHosts } from './hostfilter.js';
import { listenInput } from './input.js';
import { listenKeyHelp } from './keyhelp.js';
import { listenLaneGroups } from './lanegroups.js';
import { showLosses } from './losses.js';
import { onPoll, startLive } from './live.js';
import { data, onFailed, onLoaded, reloadWindow, scheduleFetch } from './loader.js';
import { canvas, resize } from './plot.js';
import { listenSearch } from './search.js';
import { markLabels, onSelect, select } from './selection.js';
import { buildLegend, readColours } from './states.js';
import { clearError, showError, showStatus } from './status.js';
import { refreshLog } from './logtab.js';
import { listenTabs, onTab, refreshStats } from './tabs.js';
import { hideTooltip } from './tooltip.js';
import { buildLanes, hostName, lanesChanged, model } from './trace.js';
import { startUrlState } from './urlstate.js';
import { growView, initView, onViewChange, showNew, view, viewWindow } from './view.js';

const $ = (id) => document.getElementById(id);
const SLOW_REFRESH = 2000; // ms between a live trace's stats and deadlocks
const SETTLE = 2e9; // ns of edge after a change, for the waits open there to be stuck
// Of the trace applied last (its answer too); of the last stats and deadlocks asked: the
// changes they were asked at, the end then, whether asked again since it settled.
const last = { key: '', traces: new Set(), answer: null, slow: 0, changes: null, changedAt: 0,
  settled: true };

function showSummary(trace) {
  const names = trace.processes.map((p) => p.name || `pid ${p.pid}`).join(', ');
  const hosts = model.severalHosts
    ? `hosts ${[...new Set(trace.traces.map((t) => hostName(t.hostname)))].join(', ')}` : '';
  const parts = [names, hosts, `${trace.threads.length} threads`, `${trace.objects.length} objects`,
    `${trace.events} events`, formatDuration(model.span)];
  if (trace.truncated)
    parts.push('only the first 4096 threads and objects shown');
  $('summary').textContent = parts.filter(Boolean).join(' · ');
  showLosses($('discarded'), trace);
}

/* A database without a thread: what the page waits for, if anything. */
function showEmpty(trace) {
  $('empty').hidden = trace.threads.length > 0;
  if (trace.live)
    $('empty').textContent = "Waiting for the live program's first events.";
  else if (trace.daemon)
    $('empty').textContent = 'Nothing to show yet: waiting for a live session'
      + ' (thrace record --live -- PROG).';
  else
    $('empty').textContent = 'Nothing to show: the database holds no thread.';
}

/* The earliest begin of the traces with a begin that the last answer had
 * not, in page time; null if none. */
function newBegin(trace) {
  const begins = trace.traces.filter((t) => t.begin_ns !== null && !last.traces.has(t.id))
    .map((t) => t.begin_ns);
  last.traces = new Set(trace.traces.filter((t) => t.begin_ns !== null).map((t) => t.id));
  return begins.length ? Math.min(...begins) : null;
}

/* The view's bounds, and whether the window drawn left anything out. */
function showView() {
  const partial = data.truncated ? ' · some of this window left out: zoom in' : '';
  showStatus(`${formatSeconds(view.t0)} – ${formatSeconds(view.t1)} `
    + `(${formatDuration(Math.round(view.t1 - view.t0))})${partial}`);
}

/* The canvas fitted to its box, drawn, and the window asked for again at
 * a new width. */
function fit() {
  const widthChanged = resize();
  draw();
  if (widthChanged)
    scheduleFetch(0);
}

function wire() {
  onViewChange((live) => {
    const { t0, t1 } = viewWindow();
    canvas.dataset.viewT0 = String(t0);
    canvas.dataset.viewT1 = String(t1);
    showView();
    hideTooltip();
    if (live) {
      scheduleFetch(0); // drawn once loaded: what is loaded ends before the new edge
    } else {
      requestDraw();
      scheduleFetch();
    }
  });
  onLoaded((changed) => {
    clearError(); // what is drawn is the view's window again
    if (changed) {
      markLabels();
      draw();
      showView();
    }
    document.body.dataset.state = 'ready';
  });
  onFailed((error) => {
    showError(error);
    if (document.body.dataset.state !== 'ready')
      document.body.dataset.state = 'error';
  });
  onSelect(requestDraw);
  onSeen(requestDraw);
  onTab((name) => {
    hideTooltip();
    if (name === 'timeline')
      fit();
  });
  $('timeline').addEventListener('scroll', () => {
    hideTooltip();
    requestDraw();
    scheduleFetch();
  });
  const observer = new ResizeObserver(fit);
  observer.observe($('timeline'));
  observer.observe($('plot'));
  listenInput();
  listenBoxZoom();
  listenCards();
  listenActivity();
  listenTabs();
  listenSearch();
  listenKeyHelp();
  listenHostFilter(rebuildLanes);
  listenLaneGroups(rebuildLanes);
}

/* The lanes built again for the host, headings and filter chosen. */
function rebuildLanes() {
  buildAllLanes(last.answer);
  reloadWindow(false); // drawn once loaded: the lanes now shown have no window yet
  fit();
}

/* The lanes built again from trace, with the marks they carry. */
function buildAllLanes(trace) {
  buildLanes(trace, $('lanes'), select);
  markDeadlocked();
  markLit();
  markLabels();
}

/* Takes in an answer of /api/trace read with exact times: its begin as
 * the page's, its span, its lanes (built again if they changed), the
 * summary. Says whether the begin moved (page times changed meaning),
 * whether anything changed since the last answer, and the earliest begin
 * of the traces that appeared since (null: none). */
function applyTrace(trace) {
  const begin = trace.begin_ns ?? 0n;
  const rebased = begin !== getBase();
  if (rebased) {
    setBase(begin);
    canvas.dataset.base = begin.toString();
  }
  pageTimes(trace);
  model.span = trace.end_ns ?? 0;
  canvas.dataset.end = String(model.span);
  keepActivity(trace);
  last.answer = trace;
  showHosts(trace);
  const lanes = lanesChanged(trace);
  if (lanes)
    buildAllLanes(trace);
  showSummary(trace);
  showEmpty(trace);
  // Each trace's end, events and live flag: a trace that ends may change nothing else.
  const key = JSON.stringify([trace.end_ns, trace.events, trace.live, trace.traces]);
  const changed = rebased || lanes || key !== last.key;
  last.key = key;
  return { rebased, changed, appeared: newBegin(trace) };
}

/* A poll's answer: what changed is shown again; a view that showed the
 * end follows it, or shows the trace that appeared (view.js). The answer
 * that is no longer live refreshes everything once more. */
function update(trace) {
  const { rebased, changed, appeared } = applyTrace(trace);
  if (!changed)
    return;
  reloadWindow(rebased); // drawn once loaded, with the new lanes if they changed
  if (rebased)
    initView(model.span);
  if (appeared !== null)
    showNew(appeared, model.span);
  else if (!rebased)
    growView(model.span);
  refreshLog();
  if (slowDue(trace)) {
    last.slow = performance.now();
    refreshStats();
    loadDeadlocks();
  }
}

/* Whether to ask for the stats and the deadlocks again: the final answer,
 * or (not twice in SLOW_REFRESH ms) a live one whose changes moved, or
 * whose edge has settled SETTLE ns past the last change. */
function slowDue(trace) {
  if (!trace.live)
    return true;
  if (performance.now() - last.slow < SLOW_REFRESH)
    return false;
  if (trace.changes !== last.changes) {
    Object.assign(last, { changes: trace.changes, changedAt: model.span, settled: false });
    return true;
  }
  if (last.settled || model.span - last.changedAt < SETTLE)
    return false;
  last.settled = true;
  return true;
}

async function start() {
  readColours();
  buildLegend($('legend'));
  const trace = await api('/api/trace', undefined, true);
  applyTrace(trace);
  loadDeadlocks(); // not awaited: the timeline need not wait for it
  Object.assign(last, { slow: performance.now(), changes: trace.changes, changedAt: model.span,
    settled: !trace.live });
  wire();
  initView(model.span);
  if (!trace.live)
    showActivity(); // a live trace's view follows its end
  fit();
  startUrlState();
  onPoll(update);
  startLive(trace);
  if (!model.lanes.length)
    document.body.dataset.state = 'ready';
}

start().catch((error) => {
  showError(error);
  document.body.dataset.state = 'error';
});
