/*
 * tabs.js - the Timeline, Log, Stats and Deadlocks tabs. The Log tab is
 * logtab.js's, read when shown. The Stats tab holds /api/stats as two
 * tables (statstable.js: sortable, each row followed on the timeline),
 * loaded when first shown; with more than one process, a last column names each row's
 * (trace.js's processLabel: its host too, with more than one host). A
 * live trace changes: refreshStats loads a shown tab again
 * (a hidden one when next shown). The Deadlocks tab is deadlocks.js's,
 * filled at the start.
 */
import { api } from './api.js';
import { listenLog, showLog } from './logtab.js';
import { showLosses } from './losses.js';
import { serial } from './serial.js';
import { fillStatsTable } from './statstable.js';
import { showError } from './status.js';

const $ = (id) => document.getElementById(id);
const TABS = ['timeline', 'log', 'stats', 'deadlocks'];
const stats = { wanted: 1, loaded: 0 }; // versions: the newest asked for, the one shown
const listeners = [];

/* listener(name) after a tab is shown. */
export function onTab(listener) {
  listeners.push(listener);
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

/* Shows tab name ('timeline', 'log', 'stats' or 'deadlocks'). */
export function showTab(name) {
  for (const tab of TABS) {
    $(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`panel-${tab}`).hidden = tab !== name;
  }
  if (name === 'log') showLog();
  if (name === 'stats') loadStats();
  listeners.forEach((listener) => listener(name));
}

export function listenTabs() {
  for (const tab of TABS)
    $(`tab-${tab}`).addEventListener('click', () => showTab(tab));
  listenLog();
}
