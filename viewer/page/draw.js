/*
 * draw.js - the timeline on the canvas, from the window loaded (loader.js)
 * at the current view (its times are absolute, so a zoom redraws at once at
 * the new scale, before the new window arrives), and what lies where.
 *
 * Per lane: a thread's running band, its waits above and its holds below
 * (overlaps stacked), buckets (intervals shorter than a pixel, summarised)
 * as marks in their state's colour, log lines as marks on top; an object's
 * waiters and holders, a barrier's rounds (barrierlane.js),
 * a semaphore's value as a step chart (semlane.js), an event's sets and
 * clears, a condition's notifies (objmarks.js).
 * Then arrows from what woke a thread to the wake-up. Hit regions are
 * rebuilt on every draw, per lane, in the order drawn (the last on top).
 */
import { drawBarrierRounds } from './barrierlane.js';
import { formatTick } from './format.js';
import { seenBy } from './deadlocks.js';
import { focusedInterval } from './focus.js';
import { data } from './loader.js';
import { drawMoment } from './moment.js';
import { canvas, ctx, laneAtY, laneY, plot, visibleLanes, xOf } from './plot.js';
import { isDimmed, selectedObject } from './selection.js';
import { drawMarks } from './objmarks.js';
import { drawValues, isValueLane } from './semlane.js';
import { HOLDS, colours } from './states.js';
import { AXIS, LANE, model } from './trace.js';
import { view } from './view.js';

const DIM = 0.18;
const hits = { lanes: new Map(), wakeups: [] };
const overlays = []; // drawn last, over the lanes (cards.js: a finding's lanes and edges)
let pending = false;

/* Calls draw() at the end of each draw, inside the lanes' clip. */
export function addOverlay(draw) {
  overlays.push(draw);
}

/* Draws at the next frame (once, however often asked). */
export function requestDraw() {
  if (pending)
    return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    draw();
  });
}

export function draw() {
  if (plot.width <= 0)
    return;
  ctx.clearRect(0, 0, plot.width, plot.height);
  drawAxis();
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, AXIS, plot.width, plot.height - AXIS);
  ctx.clip();
  hits.lanes.clear();
  hits.wakeups = [];
  for (const lane of visibleLanes())
    drawLane(lane);
  drawWakeups();
  drawMoment();
  for (const overlay of overlays) overlay();
  ctx.restore();
  canvas.dataset.drawnT0 = String(data.t0);
  canvas.dataset.drawnT1 = String(data.t1);
}

function drawAxis() {
  ctx.fillStyle = colours.panel;
  ctx.fillRect(0, 0, plot.width, AXIS);
  const rough = ((view.t1 - view.t0) * 110) / plot.width; // a tick every 110 px or more
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  ctx.strokeStyle = colours.rule;
  ctx.fillStyle = colours.muted;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (let t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
    const x = Math.round(xOf(t)) + 0.5;
    ctx.moveTo(x, AXIS - 6);
    ctx.lineTo(x, plot.height);
    ctx.fillText(formatTick(t, step, view.t1), x + 3, AXIS / 2 - 1);
  }
  ctx.moveTo(0, AXIS - 0.5);
  ctx.lineTo(plot.width, AXIS - 0.5);
  ctx.stroke();
}

function drawLane(lane) {
  const y = laneY(lane);
  const regions = [];
  hits.lanes.set(lane, regions);
  ctx.globalAlpha = 1;
  if (lane.kind === 'object' && lane.id === selectedObject()) {
    ctx.fillStyle = colours.touched;
    ctx.fillRect(0, y, plot.width, lane.height);
  }
  ctx.fillStyle = colours.rule;
  ctx.fillRect(0, y + lane.height - 1, plot.width, 1);
  const loaded = lane.kind === 'group' ? null : (lane.kind === 'thread' ? data.threads : data.objects).get(lane.id);
  if (!loaded)
    return;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const rows = LANE[lane.kind];
  if (lane.kind === 'thread')
    drawBand(lane, loaded, y, regions);
  if (isValueLane(lane, loaded)) {
    drawValues(lane, loaded, y, regions, isDimmed(lane.id) ? DIM : 1, data.t1);
  } else {
    drawRow(lane, loaded.top, rows.top, y, regions);
    drawRow(lane, loaded.bottom, rows.bottom, y, regions);
    drawBuckets(lane, loaded, y, regions);
  }
  if (lane.kind === 'thread') {
    drawLogMarks(lane, y, regions);
    drawSeenMarks(lane, y, regions);
  }
  if (lane.kind === 'object' && lane.item.kind === 'barrier')
    drawBarrierRounds(lane, loaded, y, isDimmed(lane.id) ? DIM : 1);
  if (lane.kind === 'object' && loaded.marks)
    drawMarks(lane, loaded, y, regions, isDimmed(lane.id) ? DIM : 1, data.t1);
  ctx.globalAlpha = 1;
}

/* An interval's x and width, clipped to the canvas, at least 1 px (an
 * object: an array destructured takes the iterator protocol, slow in code
 * run once on tens of thousands of buckets). */
function span(begin, end) {
  const x0 = Math.max(xOf(begin), -2);
  const x1 = Math.min(xOf(end), plot.width + 2);
  return { x: x0, w: Math.max(x1 - x0, 1) };
}

function offCanvas(x, w) {
  return x + w < 0 || x > plot.width;
}

function drawBand(lane, loaded, y, regions) {
  const [top, bottom] = LANE.thread.band;
  ctx.globalAlpha = selectedObject() === null ? 1 : 0.5;
  ctx.fillStyle = colours.running;
  for (const iv of loaded.band) {
    const { x, w } = span(iv.begin_ns, iv.end_ns);
    if (offCanvas(x, w)) continue;
    ctx.fillRect(x, y + top, w, bottom - top);
    regions.push({ x0: x, x1: x + w, y0: y + top, y1: y + bottom,
      hit: { type: 'interval', key: `i${iv.id}`, iv, lane } });
  }
}

const textWidths = new Map();

function textWidth(text) {
  if (!textWidths.has(text)) {
    if (textWidths.size > 2000) textWidths.clear();
    textWidths.set(text, ctx.measureText(text).width);
  }
  return textWidths.get(text);
}

/* The name written in a wide interval: the object (or the joined thread)
 * on a thread's lane, the thread on an object's lane. */
function caption(lane, iv) {
  if (lane.kind === 'object')
    return (model.threads.get(iv.thread_id) || {}).name || '';
  if (iv.object_id != null)
    return (model.objects.get(iv.object_id) || {}).name || '';
  if (iv.peer_thread_id != null)
    return (model.threads.get(iv.peer_thread_id) || {}).name || '';
  return '';
}

function drawRow(lane, packed, row, y, regions) {
  const height = (row[1] - row[0]) / packed.tracks;
  const gap = packed.tracks > 1 ? 1 : 0;
  for (const { iv, track } of packed.items) {
    const { x, w } = span(iv.begin_ns, iv.end_ns);
    if (offCanvas(x, w)) continue;
    const ry = y + row[0] + track * height;
    const rh = Math.max(height - gap, 1);
    ctx.globalAlpha = isDimmed(iv.object_id) ? DIM : 1;
    ctx.fillStyle = colours[iv.state] || colours.muted;
    ctx.fillRect(x, ry, w > 4 ? w - 1 : w, rh); // a gap between intervals that meet
    if (selectedObject() !== null && iv.object_id === selectedObject()) {
      ctx.strokeStyle = colours.ink;
      ctx.strokeRect(x + 0.5, ry + 0.5, Math.max(w - 1, 1), rh - 1);
    }
    if (iv.id === focusedInterval()) // the interval a tooltip's link led to
      outline(x, ry, w, rh);
    if (iv.outcome !== 'ok' && w > 4) { // timed out, broken, unfinished, lost: a dark end
      ctx.fillStyle = colours.ink;
      ctx.fillRect(x + w - 2, ry, 2, rh);
    }
    const text = w > 40 && rh >= 9 ? caption(lane, iv) : '';
    if (text && textWidth(text) + 6 < w) {
      ctx.fillStyle = '#fff';
      ctx.fillText(text, Math.max(x, 0) + 3, ry + rh / 2);
    }
    regions.push({ x0: x, x1: x + w, y0: ry, y1: ry + rh,
      hit: { type: 'interval', key: `i${iv.id}`, iv, lane } });
  }
}

function outline(x, y, w, h) {
  ctx.globalAlpha = 1;
  ctx.strokeStyle = colours.alarm;
  ctx.lineWidth = 2;
  ctx.strokeRect(x + 1, y + 1, Math.max(w - 2, 1), Math.max(h - 2, 1));
  ctx.lineWidth = 1;
}

function bucketRow(kind, state) {
  const rows = LANE[kind];
  if (state === 'running') return rows.band; // none on an object's lane
  return HOLDS.has(state) ? rows.bottom : rows.top;
}

/* A bucket's mark: as tall as its row and at least 2 px wide (a pixel's
 * worth of holds is easily missed), the more opaque the more intervals it
 * holds; null for one off the canvas. */
function bucketMark(lane, b, y, dim) {
  const row = bucketRow(lane.kind, b.state);
  const { x, w } = span(b.begin_ns, b.end_ns);
  if (!row || offCanvas(x, w)) return null;
  return { x0: x, x1: x + w, y0: y + row[0], y1: y + row[1], width: Math.max(w, 2), row, px: b.px,
    colour: colours[b.state] || colours.muted, alpha: dim * Math.min(1, 0.7 + 0.1 * Math.log2(b.count)) };
}

/* The buckets' marks. A window has tens of thousands, drawn once as it
 * arrives (by code not yet compiled) and a canvas's fillRect costs
 * microseconds: a mark hidden by another is not drawn, the opaque marks of
 * one row and state in consecutive pixels are one rectangle (the same
 * pixels), and the lane's buckets are one hit region, searched when
 * pointed at. A row's run is drawn before a mark of a row it overlaps, so
 * that what lies on top stays so. */
function drawBuckets(lane, loaded, y, regions) {
  const dim = selectedObject() === null ? 1 : DIM;
  const marks = loaded.buckets.map((b) => bucketMark(lane, b, y, dim)).filter(Boolean);
  const runs = []; // the marks not yet drawn, in rows apart
  for (const mark of uncovered(marks)) {
    if (!extendRun(runs, mark)) {
      paintRuns(runs, mark.row, y);
      runs.push(mark);
    }
  }
  paintRuns(runs, null, y);
  regions.push({ buckets: loaded.buckets, y, dim });
}

/* The marks but those an opaque one drawn later in their pixel hides
 * whole (buckets come by pixel, then state: a thread's pixel often has
 * a wait, a sleep and a barrier in one row). */
function uncovered(marks) {
  const shown = [];
  let px = null;
  let covering = []; // the rows of the opaque marks after, in this pixel
  for (let i = marks.length - 1; i >= 0; i--) {
    const mark = marks[i];
    if (mark.px !== px) {
      px = mark.px;
      covering = [];
    }
    if (covering.some((row) => row[0] <= mark.row[0] && mark.row[1] <= row[1]))
      continue;
    if (mark.alpha === 1)
      covering.push(mark.row);
    shown.push(mark);
  }
  return shown.reverse();
}

/* Whether mark, opaque, continues the run of its row in the pixel before. */
function extendRun(runs, mark) {
  for (const run of runs) {
    if (run.row === mark.row && mark.px === run.px + 1 && mark.alpha === 1 && run.alpha === 1
        && mark.colour === run.colour) {
      run.width = mark.x0 + mark.width - run.x0;
      run.px = mark.px;
      return true;
    }
  }
  return false;
}

/* Draws the runs of the rows that overlap row (of every row if null), and drops them. */
function paintRuns(runs, row, y) {
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i];
    if (row && !(run.row[0] < row[1] && row[0] < run.row[1]))
      continue;
    ctx.globalAlpha = run.alpha;
    ctx.fillStyle = run.colour;
    ctx.fillRect(run.x0, y + run.row[0], run.width, run.row[1] - run.row[0]);
    runs.splice(i, 1);
  }
}

/* The bucket last drawn under canvas (x, y) among a region's, or null. */
function bucketAt(region, x, y, lane) {
  for (let i = region.buckets.length - 1; i >= 0; i--) {
    const b = region.buckets[i];
    const mark = bucketMark(lane, b, region.y, region.dim);
    if (mark && inside(mark, x, y))
      return { type: 'bucket', key: `b${lane.kind}${lane.id}:${b.px}:${b.state}`, bucket: b, lane };
  }
  return null;
}

/* The log lines of a thread's lane as marks, one path (a window has
 * thousands), each a hit region made into a hit when pointed at. Zoomed
 * out, a mark may stand for its pixel's lines (`count`): it is wider.
 * data-logs says "MARKS LINES", the marks and the lines they stand for. */
function drawLogMarks(lane, y, regions) {
  const [top, bottom] = LANE.thread.marks;
  const logs = data.logs.get(lane.id) || [];
  ctx.globalAlpha = selectedObject() === null ? 1 : 0.4;
  ctx.fillStyle = colours.mark;
  ctx.beginPath();
  for (const log of logs) {
    const x = xOf(log.ts);
    if (x < -5 || x > plot.width + 5) continue;
    const half = log.count > 1 ? 4.5 : 3.5;
    ctx.moveTo(x - half, y + top);
    ctx.lineTo(x + half, y + top);
    ctx.lineTo(x, y + bottom); // fill() closes it (closePath costs more, the longer the path)
    regions.push({ x0: x - half - 0.5, x1: x + half + 0.5, y0: y + top - 1, y1: y + bottom + 1, log });
  }
  ctx.fill();
  lane.el.dataset.logs = `${logs.length} ${logs.reduce((n, log) => n + (log.count || 1), 0)}`;
}

/* What a region holds at canvas (x, y), if anything: its hit, made now
 * for a log line's, searched for among a lane's buckets. */
function hitIn(region, x, y, lane) {
  if (region.buckets)
    return bucketAt(region, x, y, lane);
  if (!inside(region, x, y))
    return null;
  if (region.log)
    return { type: 'log', key: `l${region.log.id}`, log: region.log, lane };
  return region.hit;
}

function inside(region, x, y) {
  return x >= region.x0 - 0.5 && x <= region.x1 + 0.5 && y >= region.y0 && y <= region.y1;
}

/* A diamond where the thread saw a deadlock itself (THRACE_DEADLOCK=1). */
function drawSeenMarks(lane, y, regions) {
  const [top, bottom] = LANE.thread.marks;
  const middle = (top + bottom) / 2;
  ctx.globalAlpha = 1;
  ctx.fillStyle = colours.alarm;
  for (const seen of seenBy(lane.id)) {
    const x = xOf(seen.ts);
    if (x < -6 || x > plot.width + 6) continue;
    ctx.beginPath();
    ctx.moveTo(x, y + top - 1);
    ctx.lineTo(x + 5, y + middle);
    ctx.lineTo(x, y + bottom + 1);
    ctx.lineTo(x - 5, y + middle);
    ctx.closePath();
    ctx.fill();
    regions.push({ x0: x - 5, x1: x + 5, y0: y + top - 1, y1: y + bottom + 1,
      hit: { type: 'seen', key: `s${lane.id}-${seen.ts}`, seen, lane } });
  }
}

function rowMiddle(row) {
  const [top, bottom] = LANE.thread[row];
  return (top + bottom) / 2;
}

/* From the releaser's hold row for a release, from the waker's middle row
 * otherwise, to the woken thread's waits. */
function drawWakeups() {
  for (const w of data.wakeups) {
    const from = model.threadLanes.get(w.from_thread_id);
    const to = model.threadLanes.get(w.to_thread_id);
    if (!from || !to) continue;
    const x0 = xOf(w.from_ts);
    const x1 = xOf(w.to_ts);
    if (Math.max(x0, x1) < 0 || Math.min(x0, x1) > plot.width) continue;
    const y0 = laneY(from) + rowMiddle(w.kind === 'release' ? 'bottom' : 'top');
    const y1 = laneY(to) + rowMiddle('top');
    ctx.globalAlpha = isDimmed(w.object_id) ? DIM : 0.9;
    drawArrow(x0, y0, x1, y1, colours.ink);
    hits.wakeups.push({ x0, y0, x1, y1,
      hit: { type: 'wakeup', key: `w${w.from_event_id}:${w.to_event_id}`, wakeup: w } });
  }
  ctx.globalAlpha = 1;
}

/* A line from (x0, y0) with a head of head px at (x1, y1), in the
 * context's current stroke and fill. */
export function strokeArrow(x0, y0, x1, y1, head) {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle - 0.4), y1 - head * Math.sin(angle - 0.4));
  ctx.lineTo(x1 - head * Math.cos(angle + 0.4), y1 - head * Math.sin(angle + 0.4));
  ctx.closePath();
  ctx.fill();
}

function drawArrow(x0, y0, x1, y1, colour) {
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5;
  strokeArrow(x0, y0, x1, y1, 7);
  ctx.lineWidth = 1;
}

function segmentDistance(px, py, s) {
  const dx = s.x1 - s.x0;
  const dy = s.y1 - s.y0;
  const length = dx * dx + dy * dy;
  const u = length ? Math.min(Math.max(((px - s.x0) * dx + (py - s.y0) * dy) / length, 0), 1) : 0;
  return Math.hypot(px - (s.x0 + u * dx), py - (s.y0 + u * dy));
}

/* What was drawn at canvas (x, y): {type: 'interval' | 'bucket' | 'log' |
 * 'wakeup', key, ...}, a wake-up arrow before the lane under it; null over
 * empty space. */
export function hitAt(x, y) {
  const lane = laneAtY(y);
  if (!lane)
    return null;
  const arrow = hits.wakeups.find((s) => segmentDistance(x, y, s) < 4);
  if (arrow)
    return arrow.hit;
  const regions = hits.lanes.get(lane) || [];
  for (let i = regions.length - 1; i >= 0; i--) {
    const hit = hitIn(regions[i], x, y, lane);
    if (hit)
      return hit;
  }
  return null;
}
