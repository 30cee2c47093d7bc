/*
 * logtab.js - the Log tab: every line of the trace, as `thrace log --time`
 * prints it (`[    0.700244] (Thread-2  ) Waiting for lock`, with each
 * line's process first when there is more than one), read from /api/log
 * a page at a time: the next page is asked for (its cursor, API.md's
 * `next`) when the list is scrolled to its end or "More lines" is
 * clicked; a live trace's new lines are added at the end of a list read
 * to its end. Filters, applied by the server: every traced operation too
 * (`#log-all`), one thread (`#log-thread`), lines holding a text
 * (`#log-search`, case-insensitive). The list starts at the trace's begin,
 * or at the moment marked on the timeline when that lies past the lines
 * read ("From the begin" goes back).
 *
 * A click on a line marks its moment (moment.js) and shows the Timeline
 * centred on it; a moment marked on the timeline scrolls the list to its
 * first line at or after that time, and marks that line (`.marked`).
 * `#log-text` has data-state "loading", "ready" or "error"; its text is
 * the lines, one a line; `#log-info` says how many are listed.
 */
import { absolute, api, getBase } from './api.js';
import { formatSeconds } from './format.js';
import { markedMoment, onMoment, showMoment } from './moment.js';
import { showError } from './status.js';
import { showTab } from './tabs.js';
import { logPrefix, model } from './trace.js';

const $ = (id) => document.getElementById(id);
const PAGE = 500;      // lines a request
const MAX_TEXT = 200;  // bytes of a search the API takes
const NEAR_END = 200;  // px from the list's end that ask for the next page
// The list: where it starts (page time), its lines, the next page's cursor (null: none
// left), the query its lines answer, and the newest request (older answers are dropped).
// Whether a request is under way, and whether the trace grew since the list was read.
const log = { start: 0, lines: [], next: null, key: '', token: 0, busy: false, grown: false };

export function logShown() {
  return !$('panel-log').hidden;
}

/* "1 line", "2 lines". */
export function countLines(n) {
  return n === 1 ? '1 line' : `${n} lines`;
}

/* `thrace log --time`'s prefix: seconds since the trace's begin. */
export function logTime(ts) {
  return `[${(ts / 1e9).toFixed(6).padStart(12)}] `;
}

/* The filters as /api/log's parameters; null when the search is too long. */
function filters() {
  const params = {};
  if ($('log-all').checked) params.all = 1;
  if ($('log-thread').value) params.thread = $('log-thread').value;
  const text = $('log-search').value;
  if (new TextEncoder().encode(text).length > MAX_TEXT) return null;
  if (text) params.text = text;
  return params;
}

/* The thread filter's options: every thread, the choice kept. */
function fillThreads() {
  const select = $('log-thread');
  const chosen = select.value;
  const options = [new Option('all threads', '')];
  for (const [id, thread] of model.threads)
    options.push(new Option(`${logPrefix(id)}${thread.name}`, String(id)));
  if (options.length !== select.options.length)
    select.replaceChildren(...options);
  select.value = model.threads.has(Number(chosen)) ? chosen : '';
}

function lineElement(line, index) {
  const el = document.createElement('span');
  el.className = 'log-line';
  el.dataset.index = String(index);
  el.textContent = logTime(line.ts) + logPrefix(line.thread_id) + line.text;
  return el;
}

/* Adds lines to the list: each a span, a newline between two. */
function append(lines) {
  const pre = $('log-text');
  const nodes = [];
  for (const line of lines) {
    if (log.lines.length || nodes.length) nodes.push('\n');
    nodes.push(lineElement(line, log.lines.length + nodes.length / 2));
  }
  log.lines.push(...lines);
  pre.append(...nodes);
}

function showInfo() {
  const from = log.start > 0 ? ` from ${formatSeconds(log.start)}` : '';
  const more = log.next ? ' · more below' : '';
  $('log-info').textContent = `${countLines(log.lines.length)}${from}${more}`;
  $('log-more').hidden = !log.next;
  $('log-begin').hidden = log.start === 0;
}

/* One page after cursor (null: the list's start); replaces the list when fresh. */
async function loadPage(cursor, fresh) {
  const params = filters();
  if (!params) {
    showError(`the search is longer than ${MAX_TEXT} bytes`);
    return false;
  }
  const t0 = cursor ? cursor.t0 : log.start;
  Object.assign(params, { t0: absolute(t0), t1: absolute(Math.max(model.span, t0 + 1)),
    limit: PAGE });
  if (cursor && cursor.skip) params.skip = cursor.skip;
  const token = ++log.token;
  log.busy = true;
  $('log-text').dataset.state = 'loading';
  try {
    const answer = await api('/api/log', params);
    if (token !== log.token) return false; // a newer one is on its way
    if (fresh) {
      log.lines = [];
      $('log-text').replaceChildren();
    }
    append(answer.lines);
    log.next = answer.next;
    showInfo();
    $('log-text').dataset.state = 'ready';
    return true;
  } catch (error) {
    if (token === log.token) $('log-text').dataset.state = 'error';
    showError(error);
    return false;
  } finally {
    if (token === log.token) log.busy = false;
  }
}

/* What the list answers: its filters, its start, and the begin its times count from. */
function listKey() {
  return JSON.stringify([filters(), log.start, String(getBase())]);
}

/* The list again from its start, with the filters as they are now. */
async function reload() {
  log.key = listKey();
  log.grown = false;
  if (await loadPage(null, true)) scrollToMoment();
}

/* Where the lines after the last one listed start. */
function tail() {
  const last = log.lines[log.lines.length - 1];
  if (!last) return { t0: log.start, skip: 0 };
  let skip = 0;
  while (skip < log.lines.length && log.lines[log.lines.length - 1 - skip].ts === last.ts) skip++;
  return { t0: last.ts, skip };
}

/* A live trace's new lines, after a list read to its end (one that is not
 * gets them with its next pages). */
function readNew() {
  if (log.next || log.busy) return;
  log.grown = false;
  loadPage(tail(), false);
}

/* The tab is shown: the list read if it is not, or no longer, the filters'. */
export function showLog() {
  fillThreads();
  if (listKey() !== log.key)
    reload();
  else if (log.grown)
    readNew();
  else
    scrollToMoment();
}

/* The trace changed (a live one grew): its new lines, now if shown. */
export function refreshLog() {
  log.grown = true;
  if (logShown()) showLog();
}

function loadMore() {
  if (log.next && !log.busy) loadPage(log.next, false);
}

/* The list from t (page time), read now. */
function listFrom(t) {
  log.start = t;
  reload();
}

/* Marks the first listed line at or after the marked moment, and scrolls to
 * it; when the moment lies past the lines read, the list starts there. */
function scrollToMoment() {
  const t = markedMoment();
  for (const el of $('log-text').querySelectorAll('.marked')) el.classList.remove('marked');
  if (t === null) return;
  const index = log.lines.findIndex((line) => line.ts >= t);
  if (t < log.start || (index < 0 && log.next)) {
    listFrom(t);
    return;
  }
  const el = $('log-text').querySelector(`[data-index="${index < 0 ? log.lines.length - 1 : index}"]`);
  if (!el) return;
  el.classList.add('marked');
  if (logShown()) el.scrollIntoView({ block: 'center' });
}

/* A line clicked: its moment marked, and the Timeline centred on it. */
function onLineClick(event) {
  const el = event.target.closest('.log-line');
  if (!el) return;
  const line = log.lines[Number(el.dataset.index)];
  for (const marked of $('log-text').querySelectorAll('.marked')) marked.classList.remove('marked');
  el.classList.add('marked');
  showMoment(line.ts, 'log');
  showTab('timeline');
}

function onScroll() {
  const pre = $('log-text');
  if (pre.scrollTop + pre.clientHeight > pre.scrollHeight - NEAR_END) loadMore();
}

export function listenLog() {
  for (const id of ['log-all', 'log-thread']) $(id).addEventListener('change', reload);
  $('log-search').addEventListener('change', reload);
  $('log-more').addEventListener('click', loadMore);
  $('log-begin').addEventListener('click', () => listFrom(0));
  $('log-text').addEventListener('click', onLineClick);
  $('log-text').addEventListener('scroll', onScroll);
  onMoment((t, source) => {
    if (source !== 'log') scrollToMoment();
  });
}
