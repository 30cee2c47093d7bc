/*
 * urlstate.js - the view in the URL's hash, so that a link reopens the same
 * picture and the browser's back and forward move between views:
 * `#t0=NS&t1=NS&tab=log&sel=ID&mark=NS&host=NAME`, times in page time (ns
 * since the trace's begin): the window, the tab shown, the object
 * followed, the moment marked and the lanes shown (the host filter's
 * choice; the headings folded and the lane filter join with keepInHash). Each part is left out
 * when it is the default.
 *
 * A change the user makes becomes a new history entry (pushState) once the
 * page has been quiet for SETTLE ms, so that a burst of wheel turns or key
 * presses is one entry; a drag is one entry, replaced (replaceState) as it
 * goes on; a live trace's view sliding by itself replaces the entry. The
 * hash of a page opened with one, or reached by back or forward, is applied
 * whole, and writes nothing back.
 */
import { markedMoment, onMoment, setMoment } from './moment.js';
import { canvas } from './plot.js';
import { onSelect, select, selectedObject } from './selection.js';
import { onTab, showTab } from './tabs.js';
import { model } from './trace.js';
import { onViewChange, setView, viewWindow } from './view.js';

const $ = (id) => document.getElementById(id);
const SETTLE = 250; // ms of quiet before a change is written
const parts = [];   // {key, read, apply}: what the hash holds after the window, in its order
// The write waiting; whether the change waiting is one the page made by itself; the drag
// under way (null: none), and whether its entry was pushed yet.
const state = { timer: 0, slide: false, drag: null, applying: false };

/* Keeps a part of the view in the hash: read() its text ('' for the
 * default, left out), apply(text) to show it ('' too). */
export function keepInHash(key, read, apply) {
  parts.push({ key, read, apply });
}

function currentTab() {
  return document.querySelector('[role="tab"][aria-selected="true"]').id.slice('tab-'.length);
}

keepInHash('tab', () => (currentTab() === 'timeline' ? '' : currentTab()),
  (text) => showTab(['log', 'stats', 'deadlocks'].includes(text) ? text : 'timeline'));
keepInHash('sel', () => (selectedObject() === null ? '' : String(selectedObject())),
  (text) => select(model.objects.has(Number(text)) ? Number(text) : null));
keepInHash('mark', () => (markedMoment() === null ? '' : String(markedMoment())),
  (text) => setMoment(/^\d+$/.test(text) ? Number(text) : null, 'url'));
keepInHash('host', () => model.host ?? '', (text) => {
  const select = $('host');
  const value = [...select.options].some((o) => o.value === text) ? text : '';
  if (select.value === value) return;
  select.value = value;
  select.dispatchEvent(new Event('change')); // hostfilter.js's listener builds the lanes
});

/* The view as a hash. */
export function viewHash() {
  const query = new URLSearchParams(viewWindow()); // whole ns, as the API is asked
  for (const part of parts) {
    const text = part.read();
    if (text) query.set(part.key, text);
  }
  return `#${query}`;
}

function write() {
  state.timer = 0;
  const hash = viewHash();
  if (hash === window.location.hash) return;
  const drag = state.drag;
  const replace = state.slide || (drag && drag.pushed);
  if (drag) drag.pushed = true;
  if (drag && drag.up) state.drag = null;
  state.slide = false;
  if (replace)
    window.history.replaceState(null, '', hash);
  else
    window.history.pushState(null, '', hash);
}

/* A change of what a part kept by keepInHash reads, made by the user. */
export function hashPartChanged() {
  changed();
}

/* A change: written once the page is quiet (slide: the page made it). */
function changed(slide = false) {
  if (state.applying) return;
  state.slide = slide && !state.timer; // a user's change waiting stays a push
  clearTimeout(state.timer);
  state.timer = setTimeout(write, SETTLE);
}

/* Shows what hash says: a part it lacks goes back to its default. */
function apply(hash) {
  const query = new URLSearchParams(hash.replace(/^#/, ''));
  const t0 = Number(query.get('t0'));
  const t1 = Number(query.get('t1'));
  state.applying = true;
  try {
    for (const part of parts) part.apply(query.get(part.key) ?? '');
    if (query.has('t0') && query.has('t1') && t0 < t1) setView(t0, t1);
  } finally {
    state.applying = false;
  }
  clearTimeout(state.timer);
  state.timer = 0;
}

/* Once the page shows its trace: the hash it was opened with applied, and
 * every change followed from then on. */
export function startUrlState() {
  if (window.location.hash.length > 1) apply(window.location.hash);
  onViewChange((live) => changed(live));
  onSelect(() => changed());
  onTab(() => changed());
  onMoment(() => changed());
  $('host').addEventListener('change', () => changed());
  canvas.addEventListener('pointerdown', () => {
    state.drag = { pushed: false, up: false };
  });
  canvas.addEventListener('pointerup', () => {
    if (state.drag) state.drag.up = true;
    if (state.drag && !state.timer) state.drag = null; // a click: nothing moved
  });
  window.addEventListener('popstate', () => apply(window.location.hash));
}
