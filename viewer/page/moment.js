/*
 * moment.js - the moment marked on the timeline: a time (page time, ns
 * since the trace's begin) drawn as a vertical line across the lanes, set
 * by a click on a log line or on something drawn, or by a search's log
 * match; null when none. The canvas carries it as `data-mark` ("" for
 * none), for tests. Listeners hear each change, with who made it (so
 * that the log does not scroll to the moment a click on it made).
 * showMoment also centres the timeline on it.
 */
import { canvas, ctx, plot, xOf } from './plot.js';
import { colours } from './states.js';
import { AXIS, model } from './trace.js';
import { setView, view } from './view.js';

const FOCUS = 10; // a moment shown is seen at a tenth of the trace at most

let marked = null;
const listeners = [];

/* listener(t, source) after each change; t null: none. */
export function onMoment(listener) {
  listeners.push(listener);
}

export function markedMoment() {
  return marked;
}

/* Marks t (null: lets go); source: who asks ('log', 'timeline', 'search', 'url'). */
export function setMoment(t, source) {
  if (t === marked) return;
  marked = t;
  canvas.dataset.mark = t === null ? '' : String(t);
  listeners.forEach((listener) => listener(t, source));
}

/* Marks t and centres the view on it, at its width or a tenth of the
 * trace if narrower (the whole trace would not show where it is). */
export function showMoment(t, source) {
  const width = Math.min(view.t1 - view.t0, model.span / FOCUS);
  setMoment(t, source);
  setView(t - width / 2, t + width / 2);
}

/* The mark across the lanes, in the alarm's colour (draw.js, last). */
export function drawMoment() {
  if (marked === null) return;
  const x = Math.round(xOf(marked)) + 0.5;
  if (x < 0 || x > plot.width) return;
  ctx.strokeStyle = colours.alarm;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, AXIS);
  ctx.lineTo(x, plot.height);
  ctx.stroke();
  ctx.lineWidth = 1;
}

/* The moment of something drawn (draw.js's hits): an interval's or a
 * bucket's begin, a log line's time, a wake-up's; null for nothing. */
export function momentOf(hit) {
  if (!hit) return null;
  if (hit.type === 'interval') return hit.iv.begin_ns;
  if (hit.type === 'bucket') return hit.bucket.begin_ns;
  if (hit.type === 'log') return hit.log.ts;
  if (hit.type === 'wakeup') return hit.wakeup.to_ts;
  return null;
}
