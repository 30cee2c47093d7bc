/*
 * semlane.js - a semaphore's lane as a step chart of its value over the
 * window (/api/window's `values`): from the lane's foot, the permits in use
 * in the holding colour, and above them the threads waiting for one in the
 * waiting colour, scaled so that the semaphore's initial value (or the
 * most seen, if more) fills the lane, that value marked by a dashed rule.
 * Each step is a hit region (type 'value'), told by tooltip.js. The lane's
 * label carries the steps drawn, `data-values="held/waiting ..."`, for
 * the tests.
 */
import { ctx, plot, xOf } from './plot.js';
import { colours } from './states.js';
import { LANE } from './trace.js';

const TOP = 3; // px of the lane kept free above the chart

/* Whether the lane is drawn as a chart: a semaphore's, with its values loaded. */
export function isValueLane(lane, loaded) {
  return lane.kind === 'object' && Array.isArray(loaded.values);
}

/* The permits the chart's height stands for. */
function capacity(lane, values) {
  const most = Math.max(1, ...values.map((v) => v.held + v.waiting));
  return Math.max(lane.item.param || 0, most);
}

/* Draws the chart of lane (loaded: its window, which ends at t1) at y. */
export function drawValues(lane, loaded, y, regions, dim, t1) {
  const { values } = loaded;
  const foot = y + LANE.object.height - 2;
  const unit = (LANE.object.height - 2 - TOP) / capacity(lane, values);
  ctx.globalAlpha = dim;
  values.forEach((step, i) => {
    const end = i + 1 < values.length ? values[i + 1].ts : t1;
    const x0 = Math.max(xOf(step.ts), -2);
    const x1 = Math.min(xOf(end), plot.width + 2);
    if (x1 < 0 || x0 > plot.width) return;
    const w = Math.max(x1 - x0, 1);
    ctx.fillStyle = colours.holding;
    ctx.fillRect(x0, foot - step.held * unit, w, step.held * unit);
    ctx.fillStyle = colours.waiting;
    ctx.fillRect(x0, foot - (step.held + step.waiting) * unit, w, step.waiting * unit);
    regions.push({ x0, x1: x0 + w, y0: y, y1: y + LANE.object.height,
      hit: { type: 'value', key: `v${lane.id}:${step.ts}`, step, end, lane,
        sampled: loaded.values_sampled } });
  });
  if (lane.item.param) {
    ctx.strokeStyle = colours.muted;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(0, foot - lane.item.param * unit + 0.5);
    ctx.lineTo(plot.width, foot - lane.item.param * unit + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  lane.el.dataset.values = values.map((v) => `${v.held}/${v.waiting}`).join(' ');
}
