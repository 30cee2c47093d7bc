/*
 * tabs.js - the Timeline, Log, Stats and Deadlocks tabs. The Log tab is
 * logtab.js's, read when shown. The Stats tab holds /api/stats as two tables, loaded when first
 * shown; with more than one process, a last column names each row's
 * (trace.js's processLabel: its host too, with more than one host). A
 * live trace changes: refreshStats loads a shown tab again
 * (a hidden one when next shown). The Deadlocks tab is deadlocks.js's,
 * filled at the start.
 */
import { api } from './api.js';
import { formatDuration } from './format.js';
import { listenLog, showLog } from './logtab.js';
import { showLosses } from './losses.js';
import { serial } from './serial.js';
import { showError } from './status.js';
import { model, processLabel } from './trace.js';

const $ = (id) => document.getElementById(id);
const TABS = ['timeline', 'log', 'stats', 'deadlocks'];
const stats = { wanted: 1, loaded: 0 }; // versions: the newest asked for, the one shown
const listeners = [];

/* listener(name) after a tab is shown. */
export function onTab(listener) {
  listeners.push(listener);
}

function cell(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function percent(part, whole) {
  return `${whole ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;
}

const COLUMNS = [
  ['acquired', (r) => String(r.acquired)],
  ['contended', (r) => `${r.contended} (${percent(r.contended, r.acquired)})`],
  ['wait total', (r) => formatDuration(r.wait_total_ns)],
  ['wait max', (r) => formatDuration(r.wait_max_ns)],
  ['hold total', (r) => formatDuration(r.hold_total_ns)],
  ['hold max', (r) => formatDuration(r.hold_max_ns)],
];

const PROCESS = ['process', (r) => processLabel(r.process_id)];

function fillTable(table, rows) {
  const columns = model.processes.size > 1 ? [...COLUMNS, PROCESS] : COLUMNS;
  const head = document.createElement('tr');
  head.append(cell('th', 'name'), cell('th', 'kind'), ...columns.map(([name]) => cell('th', name)));
  const body = rows.map((r) => {
    const tr = document.createElement('tr');
    tr.append(cell('td', r.name), cell('td', r.kind),
      ...columns.map(([, value]) => cell('td', value(r))));
    return tr;
  });
  const thead = document.createElement('thead');
  const tbody = document.createElement('tbody');
  thead.append(head);
  tbody.append(...body);
  table.replaceChildren(thead, tbody);
}

const loadStats = serial(async () => {
  const version = stats.wanted;
  if (version === stats.loaded) return;
  try {
    const answer = await api('/api/stats');
    fillTable($('stats-objects'), answer.objects);
    fillTable($('stats-threads'), answer.threads);
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
