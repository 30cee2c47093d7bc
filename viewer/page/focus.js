/*
 * focus.js - the interval a tooltip's link led to (a wait's holder, a
 * hold's waiter): the view is moved to centre it (zoomed out if it does
 * not fit), its thread's lane scrolled into sight, and draw.js outlines
 * it until another is followed or Escape lets go.
 * `document.body.dataset.focused` says which, "interval:ID" or "".
 */
import { requestDraw } from './draw.js';
import { model } from './trace.js';
import { setView, view } from './view.js';

let focused = null; // the interval's id

export function focusedInterval() {
  return focused;
}

/* Follows iv ({id, thread_id, begin_ns, end_ns}, page times); null lets go. */
export function focusInterval(iv) {
  focused = iv ? iv.id : null;
  document.body.dataset.focused = iv ? `interval:${iv.id}` : '';
  if (iv) {
    const width = Math.max(view.t1 - view.t0, (iv.end_ns - iv.begin_ns) * 1.25);
    const middle = (iv.begin_ns + iv.end_ns) / 2;
    setView(middle - width / 2, middle + width / 2);
    model.threadLanes.get(iv.thread_id)?.el.scrollIntoView({ block: 'nearest' });
  }
  requestDraw();
}
