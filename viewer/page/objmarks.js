/*
 * objmarks.js - an object's own moments on its lane (/api/window's
 * `marks`): an event's sets and clears, with the spans while it was set
 * as a band in its lower row; a condition's notifies, each with how many
 * it woke; a barrier's aborts and resets. Each mark is a tick across the
 * lane and a hit region (type 'mark'), told by tooltip.js from its event;
 * zoomed out, a mark may stand for its pixel's marks of its name (`count`),
 * drawn bolder and captioned `notify ×12`. Captions that would overlap
 * the one before are left out.
 * Marks cut short by the server's budget say so after the last one.
 * The label carries the spans drawn, `data-set-spans` (how many), and the
 * marks, `data-marks="set clear notify:2 notify:0*12 ..."`, for the tests.
 */
import { ctx, plot, xOf } from './plot.js';
import { colours } from './states.js';
import { LANE } from './trace.js';

/* [begin, end] of each span while the event was set, in the window. */
function setSpans(loaded, t1) {
  const spans = [];
  let since = loaded.set_at_t0 ? -Infinity : null;
  for (const mark of loaded.marks) {
    if (mark.name === 'set' && since === null) since = mark.ts;
    if (mark.name === 'clear' && since !== null) {
      spans.push([since, mark.ts]);
      since = null;
    }
  }
  if (since !== null) spans.push([since, t1]);
  return spans;
}

function drawSpans(spans, y, dim) {
  const [top, bottom] = LANE.object.bottom;
  ctx.globalAlpha = 0.45 * dim;
  ctx.fillStyle = colours.event;
  for (const [begin, end] of spans) {
    const x0 = Math.max(xOf(begin), -2);
    const x1 = Math.min(xOf(end), plot.width + 2);
    if (x1 >= 0 && x0 <= plot.width) ctx.fillRect(x0, y + top, Math.max(x1 - x0, 1), bottom - top);
  }
}

/* A mark standing for several (count, zoomed out: its pixel's marks of
 * its name) says how many; its value is theirs summed. */
function caption(mark) {
  const name = mark.count > 1 ? `${mark.name} ×${mark.count}` : mark.name;
  return mark.name === 'notify' ? `${name}: ${mark.value} woken` : name;
}

/* The mark as data-marks tells it: `notify:2`, `set*12` for twelve sets. */
function token(mark) {
  const named = mark.name === 'notify' ? `notify:${mark.value}` : mark.name;
  return mark.count > 1 ? `${named}*${mark.count}` : named;
}

/* Draws lane's marks (loaded: its window, which ends at t1) at y. */
export function drawMarks(lane, loaded, y, regions, dim, t1) {
  const spans = lane.item.kind === 'event' ? setSpans(loaded, t1) : [];
  drawSpans(spans, y, dim);
  ctx.globalAlpha = dim;
  ctx.fillStyle = colours.ink;
  const [top, bottom] = LANE.object.bottom;
  let free = -Infinity; // where the last caption ended: captions never overlap
  for (const mark of loaded.marks) {
    const x = xOf(mark.ts);
    if (x < -4 || x > plot.width + 4) continue;
    const wide = mark.count > 1 ? 3 : 2; // a mark standing for several is bolder
    ctx.fillRect(Math.round(x) - 1, y + 1, wide, LANE.object.height - 2);
    if (x + 3 >= free) {
      const text = caption(mark);
      ctx.fillText(text, x + 3, y + (top + bottom) / 2);
      free = x + 3 + ctx.measureText(text).width + 4;
    }
    regions.push({ x0: x - 3, x1: x + 3, y0: y, y1: y + LANE.object.height,
      hit: { type: 'mark', key: `m${mark.event_id}`, mark, lane } });
  }
  if (loaded.marks_truncated) { // the marks stop where the server's budget ended
    const last = loaded.marks.length ? xOf(loaded.marks[loaded.marks.length - 1].ts) : 0;
    ctx.fillStyle = colours.muted;
    ctx.fillText('more marks: zoom in', Math.max(last, 0) + 6, y + LANE.object.top[1]);
  }
  lane.el.dataset.setSpans = String(spans.length);
  lane.el.dataset.marks = loaded.marks.map(token).join(' ');
}
