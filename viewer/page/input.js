/*
 * input.js - the timeline's mouse and keyboard. The wheel zooms around the
 * pointer (sideways or with Shift it pans), a drag pans, a click follows
 * the object under the pointer or, over empty space, lets go. Keys: + = w
 * zoom in, - s zoom out, a d ← → pan, 0 Home reset, End the end (a live
 * trace's view then follows it), ↑ ↓ scroll the lanes, Escape lets go (of
 * the object, the pinned tooltip, the interval a link led to); a click
 * also pins the tooltip of what it hit;
 * only on the Timeline tab, never with Ctrl, Alt or Meta (the browser's
 * own zoom), never while typing in a field.
 */
import { hitAt } from './draw.js';
import { focusInterval } from './focus.js';
import { momentOf, setMoment } from './moment.js';
import { canvas, plot, tOf } from './plot.js';
import { select } from './selection.js';
import { hideTooltip, pinTooltip, showTooltip } from './tooltip.js';
import { LANE } from './trace.js';
import { pan, resetView, setView, showEnd, view, zoom } from './view.js';

const $ = (id) => document.getElementById(id);
const STEP = 1.5;   // zoom factor per key press
const PAN = 0.2;    // view widths per key press
let drag = null;

function point(event) {
  const box = canvas.getBoundingClientRect();
  return [event.clientX - box.left, event.clientY - box.top];
}

function objectOf(hit) {
  if (hit && hit.type === 'interval') return hit.iv.object_id ?? null;
  if (hit && hit.type === 'wakeup') return hit.wakeup.object_id ?? null;
  return null;
}

function onPointerDown(event) {
  if (event.button !== 0) return;
  drag = { x: event.clientX, t0: view.t0, t1: view.t1, moved: false };
  canvas.setPointerCapture(event.pointerId);
}

function onPointerMove(event) {
  if (drag && (drag.moved || Math.abs(event.clientX - drag.x) > 3)) {
    drag.moved = true;
    canvas.classList.add('dragging');
    const shift = (-(event.clientX - drag.x) / plot.width) * (drag.t1 - drag.t0);
    setView(drag.t0 + shift, drag.t1 + shift);
    return;
  }
  const hit = hitAt(...point(event));
  if (hit) showTooltip(hit, event.clientX, event.clientY);
  else hideTooltip();
}

function onPointerUp(event) {
  if (!drag) return;
  const clicked = !drag.moved;
  drag = null;
  canvas.classList.remove('dragging');
  if (!clicked) return;
  const hit = hitAt(...point(event));
  select(objectOf(hit));
  setMoment(momentOf(hit), 'timeline');
  pinTooltip(hit, event.clientX, event.clientY);
}

function onWheel(event) {
  event.preventDefault();
  const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? plot.height : 1;
  const dx = event.deltaX * scale;
  const dy = event.deltaY * scale;
  if (event.shiftKey || Math.abs(dx) > Math.abs(dy))
    pan((event.shiftKey ? dy : dx) / plot.width);
  else
    zoom(Math.exp(dy * 0.0015), tOf(point(event)[0]));
}

/* The keys, by KeyboardEvent.key (keyhelp.js lists them). */
export const KEYS = {
  '+': () => zoom(1 / STEP), '=': () => zoom(1 / STEP), w: () => zoom(1 / STEP),
  '-': () => zoom(STEP), _: () => zoom(STEP), s: () => zoom(STEP),
  a: () => pan(-PAN), ArrowLeft: () => pan(-PAN),
  d: () => pan(PAN), ArrowRight: () => pan(PAN),
  0: resetView, Home: resetView, End: showEnd,
  ArrowUp: () => $('timeline').scrollBy(0, -LANE.thread.height),
  ArrowDown: () => $('timeline').scrollBy(0, LANE.thread.height),
  Escape: () => {
    select(null);
    pinTooltip(null);
    focusInterval(null);
  },
};

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if ($('panel-timeline').hidden || event.target instanceof HTMLInputElement) return;
  const action = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

export function listenInput() {
  canvas.addEventListener('pointerdown', onPointerDown);
  canvas.addEventListener('pointermove', onPointerMove);
  canvas.addEventListener('pointerup', onPointerUp);
  canvas.addEventListener('pointercancel', () => {
    drag = null;
    canvas.classList.remove('dragging');
  });
  canvas.addEventListener('pointerleave', () => {
    if (!drag) hideTooltip();
  });
  canvas.addEventListener('wheel', onWheel, { passive: false });
  window.addEventListener('keydown', onKey);
}
