/*
 * tabs.js - the Timeline, Log, Stats and Deadlocks tabs. The Log tab holds the
 * `thrace log` text of the view (/api/log; with the checkbox, every traced
 * operation too, as `thrace log --all`; with more than one process, each
 * line's process first, as `thrace log` says it), loaded again when the view
 * changes while it shows; `#log-text` has data-state "loading", "ready" or
 * "error". The Stats tab holds /api/stats as two tables (statstable.js:
 * sortable, each row followed on the timeline), loaded when first
 * shown; with more than one process, a last column names each row's
 * (trace.js's processLabel: its host too, with more than one host). A
 * live trace changes: refreshLog and refreshStats load a shown tab again
 * (a hidden one when next shown). The Deadlocks tab is deadlocks.js's,
 * filled at the start.
 */
import { absolute, api } from './api.js';
import { formatSeconds } from './format.js';
import { showLosses } from './losses.js';
import { serial } from './serial.js';
import { fillStatsTable } from './statstable.js';
import { showError } from './status.js';
import { logPrefix } from './trace.js';
import { view, viewWindow } from './view.js';

const $ = (id) => document.getElementById(id);
const TABS = ['timeline', 'log', 'stats', 'deadlocks'];
const LOG_LIMIT = 10000;
const LOG_DELAY = 80; // ms of quiet in the view before the log is asked for
const log = { timer: 0, key: '', token: 0 };
const stats = { wanted: 1, loaded: 0 }; // versions: the newest asked for, the one shown
const listeners = [];

/* listener(name) after a tab is shown. */
export function onTab(listener) {
  listeners.push(listener);
}

export function logShown() {
  return !$('panel-log').hidden;
}

export function scheduleLog() {
  clearTimeout(log.timer);
  log.timer = setTimeout(loadLog, LOG_DELAY);
}

/* The trace changed: the log is asked for again, now if shown. */
export function refreshLog() {
  log.key = '';
  if (logShown())
    scheduleLog();
}

async function loadLog() {
  const { t0, t1 } = viewWindow();
  const params = { t0: absolute(t0), t1: absolute(t1), limit: LOG_LIMIT };
  if ($('log-all').checked) params.all = 1;
  const key = JSON.stringify(params);
  if (key === log.key) return;
  const token = ++log.token;
  $('log-text').dataset.state = 'loading';
  try {
    const answer = await api('/api/log', params);
    if (token !== log.token) return; // a newer one is on its way
    log.key = key;
    const text = answer.lines.map((l) => logPrefix(l.thread_id) + l.text).join('\n');
    if ($('log-text').textContent !== text)
      $('log-text').textContent = text; // unchanged, it keeps its scroll and selection
    const cut = answer.truncated ? ` (the first ${LOG_LIMIT}: zoom in for the rest)` : '';
    $('log-info').textContent = `${answer.lines.length} lines from ${formatSeconds(view.t0)} `
      + `to ${formatSeconds(view.t1)}${cut}`;
    $('log-text').dataset.state = 'ready';
  } catch (error) {
    if (token === log.token) $('log-text').dataset.state = 'error';
    showError(error);
  }
}

const loadStats = serial(async () => {
  const version = stats.wanted;
  if (version === stats.loaded) return;
  try {
    const answer = await api('/api/stats');
    fillStatsTable($('stats-objects'), 'object', answer.objects);
    fillStatsTable($('stats-threads'), 'thread', answer.threads);
    showLosses($('stats-discarded'), answer);
    stats.loaded = version;
  } catch (error) {
    showError(error);
  }
});

/* The trace changed: the figures are asked for again, now if shown. */
export function refreshStats() {
  stats.wanted++;
  if (!$('panel-stats').hidden)
    loadStats();
}

function showTab(name) {
  for (const tab of TABS) {
    $(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`panel-${tab}`).hidden = tab !== name;
  }
  if (name === 'log') loadLog();
  if (name === 'stats') loadStats();
  listeners.forEach((listener) => listener(name));
}

export function listenTabs() {
  for (const tab of TABS)
    $(`tab-${tab}`).addEventListener('click', () => showTab(tab));
  $('log-all').addEventListener('change', loadLog);
}
