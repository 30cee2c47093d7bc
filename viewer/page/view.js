/*
 * view.js - the part of the trace the timeline shows, [t0, t1] in page time
 * (ns since the trace's begin). It stays inside the trace and no narrower
 * than MIN_SPAN; every change is told to the listeners at once (they
 * redraw from what is loaded, and ask for the new window later; a live
 * slide waits for the new window instead, as what is loaded ends before).
 *
 * A live trace grows (growView): a view that shows the trace's end follows
 * it, keeping its width; one the user moved away stays put until it shows
 * the end again (showEnd: the End key, the "Follow live" button). A trace
 * that appears while the page is open (`thrace daemon`'s page: showNew) is
 * shown from its begin, and followed from there: the view widens with it
 * until it is YOUNG wide (it appears a fraction of a second old: following
 * it at that width would show a sliver).
 */

const MIN_SPAN = 100; // ns across the canvas at the deepest zoom
const YOUNG = 10e9;   // ns of a new trace shown from its begin, before the view slides

export const view = { t0: 0, t1: 1 };

let extent = MIN_SPAN;
let young = null; // a new trace's begin, kept in view while it is young; null: none
const listeners = [];

/* listener(live) after each change; live: a slide following a live trace. */
export function onViewChange(listener) {
  listeners.push(listener);
}

/* The trace's length; the view shows all of it. */
export function initView(span) {
  extent = Math.max(span, MIN_SPAN);
  resetView();
}

/* Sets the view, kept inside the trace, and tells the listeners (live:
 * whether the view moved by itself, following a live trace). */
function place(t0, t1, live) {
  const width = Math.min(Math.max(t1 - t0, MIN_SPAN), extent);
  const start = Math.min(Math.max(t0, 0), extent - width);
  view.t0 = start;
  view.t1 = Math.min(start + width, extent); // at the end, exactly: atEnd compares
  for (const listener of listeners)
    listener(live);
}

export function setView(t0, t1) {
  young = null; // the user's view, or the whole trace: its width is kept
  place(t0, t1, false);
}

export function resetView() {
  setView(0, extent);
}

/* Whether the view shows the trace's end (to about a pixel). */
export function atEnd() {
  return extent - view.t1 < (view.t1 - view.t0) / 1000;
}

/* The view's width, ending at the trace's end. */
export function showEnd() {
  setView(extent - (view.t1 - view.t0), extent);
}

/* The trace now lasts span: a view at the old end slides to the new one,
 * any other stays where it is (told to the listeners only if it moved). */
export function growView(span) {
  const following = atEnd();
  extent = Math.max(span, MIN_SPAN, extent);
  if (!following)
    return;
  let t0 = extent - (view.t1 - view.t0);
  if (young !== null)
    t0 = Math.min(t0, Math.max(young, extent - YOUNG));
  place(t0, extent, true);
}

/* A trace that began at `begin` appeared, and the trace now lasts span: a
 * view at the old end (or showing all of it) shows the new trace from its
 * begin (its last YOUNG ns at most) to the end, and follows it. */
export function showNew(begin, span) {
  const following = atEnd();
  extent = Math.max(span, MIN_SPAN, extent);
  if (!following)
    return;
  young = begin;
  place(Math.max(begin, extent - YOUNG), extent, true);
}

/* Zooms by factor (below 1: in) around page time `around`, by default
 * the view's middle. */
export function zoom(factor, around) {
  const t = around === undefined ? (view.t0 + view.t1) / 2 : around;
  setView(t - (t - view.t0) * factor, t + (view.t1 - t) * factor);
}

/* Pans by a fraction of the view's width (negative: back in time). */
export function pan(fraction) {
  const shift = (view.t1 - view.t0) * fraction;
  setView(view.t0 + shift, view.t1 + shift);
}

/* The view in whole nanoseconds, as the API is asked for it. */
export function viewWindow() {
  const t0 = Math.floor(view.t0);
  return { t0, t1: Math.max(Math.ceil(view.t1), t0 + 1) };
}
