/*
 * statstable.js - a table of the Stats tab (/api/stats's objects or
 * threads): one row each, sortable by any column (a click on its heading
 * sorts by it, numbers largest first and names from A; a second click
 * turns the order round; `aria-sort` says which), and each row followed
 * on a click: the Timeline shows, the row's lane is scrolled into sight,
 * an object is followed (selection.js), a thread's label marked
 * (`followed`). Each row is `data-row="object:ID"` or `"thread:ID"`.
 */
import { formatDuration } from './format.js';
import { kindWords } from './kinds.js';
import { select } from './selection.js';
import { model, processLabel } from './trace.js';

function cell(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function percent(part, whole) {
  return `${whole ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;
}

/* [heading, text of a row, sort key of a row (a number or a string)]. */
const COLUMNS = [
  ['name', (r) => r.name, (r) => r.name],
  ['kind', (r) => r.kind, (r) => r.kind],
  ['acquired', (r) => String(r.acquired), (r) => r.acquired],
  ['contended', (r) => `${r.contended} (${percent(r.contended, r.acquired)})`, (r) => r.contended],
  ['wait total', (r) => formatDuration(r.wait_total_ns), (r) => r.wait_total_ns],
  ['wait max', (r) => formatDuration(r.wait_max_ns), (r) => r.wait_max_ns],
  ['hold total', (r) => formatDuration(r.hold_total_ns), (r) => r.hold_total_ns],
  ['hold max', (r) => formatDuration(r.hold_max_ns), (r) => r.hold_max_ns],
];

const PROCESS = ['process', (r) => processLabel(r.process_id), (r) => processLabel(r.process_id)];

const tables = new WeakMap(); // table -> {rows, kind, column, descending}

function compare(key, descending) {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
    return descending ? -order : order;
  };
}

function followRow(kind, row) {
  document.getElementById('tab-timeline').click();
  const lane = model.lanes.find((l) => l.kind === kind && l.id === row.id);
  for (const l of model.lanes)
    l.el.classList.toggle('followed', l === lane && kind === 'thread');
  if (kind === 'object') select(row.id);
  lane?.el.scrollIntoView({ block: 'center' });
}

function render(table) {
  const state = tables.get(table);
  const columns = model.processes.size > 1 ? [...COLUMNS, PROCESS] : COLUMNS;
  const head = document.createElement('tr');
  columns.forEach(([name], i) => {
    const th = cell('th', name);
    th.setAttribute('aria-sort', i !== state.column ? 'none'
      : state.descending ? 'descending' : 'ascending');
    th.title = `sort by ${name}`;
    th.addEventListener('click', () => sortBy(table, i));
    head.append(th);
  });
  const rows = [...state.rows];
  if (state.column !== null)
    rows.sort(compare(columns[state.column][2], state.descending));
  const body = rows.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.row = `${state.kind}:${r.id}`;
    tr.title = `show ${r.name}${state.kind === 'object' ? ` (${kindWords(r.kind)})` : ''} on the timeline`;
    tr.append(...columns.map(([, text]) => cell('td', text(r))));
    tr.addEventListener('click', () => followRow(state.kind, r));
    return tr;
  });
  const thead = document.createElement('thead');
  const tbody = document.createElement('tbody');
  thead.append(head);
  tbody.append(...body);
  table.replaceChildren(thead, tbody);
}

/* Sorts by column i; a second time, the other way round. */
function sortBy(table, i) {
  const state = tables.get(table);
  const numbers = i >= 2 && i < COLUMNS.length;
  state.descending = state.column === i ? !state.descending : numbers;
  state.column = i;
  render(table);
}

/* Fills table with rows of kind 'object' or 'thread', in the API's order
 * or in the order chosen before. */
export function fillStatsTable(table, kind, rows) {
  const before = tables.get(table);
  tables.set(table, { rows, kind, column: before ? before.column : null,
    descending: before ? before.descending : false });
  render(table);
}
