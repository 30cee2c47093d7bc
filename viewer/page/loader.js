/*
 * loader.js - the window the timeline draws: asked for the visible lanes
 * only (at most MAX_LANES of a kind per request, in several requests when
 * more show), over the view, at the canvas's width; never the whole trace.
 *
 * Requests wait for FETCH_DELAY ms of quiet (a wheel zoom is many small
 * changes); one load runs at a time, and a change meanwhile loads again
 * after it (serial.js). An answer whose request no longer matches the view or the
 * visible lanes is dropped. Each answer is prepared once for drawing
 * (split into rows, overlaps stacked) and replaces `data` whole.
 */
import { absolute, api } from './api.js';
import { plot, visibleLanes } from './plot.js';
import { serial } from './serial.js';
import { HOLDS } from './states.js';
import { viewWindow } from './view.js';

const MAX_LANES = 64;   // per request and kind (the API's bound)
const FETCH_DELAY = 80; // ms
const MAX_TRACKS = 4;   // overlapping intervals stacked in one row

function emptyData(key = '') {
  return { key, t0: 0, t1: 0, threads: new Map(), objects: new Map(), logs: new Map(),
    wakeups: [], truncated: false };
}

/* The window last loaded: per lane its rows, its logs by thread, its
 * wake-ups, and whether the server left anything out. */
export let data = emptyData();

let timer = 0;
let reloads = 0; // reloadWindow's calls: a load that began before one is not the newest
const loadedListeners = [];
const failedListeners = [];

/* listener(changed) after each load: changed is false when what is loaded
 * already was the view's window. */
export function onLoaded(listener) {
  loadedListeners.push(listener);
}

export function onFailed(listener) {
  failedListeners.push(listener);
}

/* Stacks overlapping intervals in up to MAX_TRACKS tracks (greedy, by
 * begin); past that they share the track freed first. */
function pack(intervals) {
  const sorted = intervals.slice().sort((a, b) => a.begin_ns - b.begin_ns);
  const ends = [];
  const items = sorted.map((iv) => {
    let track = ends.findIndex((end) => end <= iv.begin_ns);
    if (track < 0 && ends.length < MAX_TRACKS)
      track = ends.push(0) - 1;
    if (track < 0)
      track = ends.indexOf(Math.min(...ends));
    ends[track] = iv.end_ns;
    return { iv, track };
  });
  return { items, tracks: Math.max(ends.length, 1) };
}

/* A lane's intervals in rows: holds below (holding, and an rwlock's
 * reading), every other state but running above them; running is a
 * thread lane's band. Buckets ([px, state, count, more]) become objects
 * with the times of their pixel. */
function prepareLane(lane, answer) {
  const band = [];
  const top = [];
  const bottom = [];
  for (const iv of lane.intervals) {
    if (iv.state === 'running') band.push(iv);
    else if (HOLDS.has(iv.state)) bottom.push(iv);
    else top.push(iv);
  }
  const width = answer.ns_per_px;
  const buckets = lane.buckets.map((bucket) => { // indexed: destructured, 10 ms more
    const px = bucket[0];
    return { px, state: bucket[1], count: bucket[2], more: bucket[3],
      begin_ns: answer.t0 + px * width, end_ns: answer.t0 + (px + 1) * width };
  });
  return { id: lane.id, band, top: pack(top), bottom: pack(bottom), buckets,
    intervals: lane.intervals, values: lane.values, values_sampled: lane.values_sampled,
    marks: lane.marks, marks_truncated: lane.marks_truncated, set_at_t0: lane.set_at_t0 };
}

function merge(request, answers) {
  const next = { ...emptyData(request.key), t0: answers[0].t0, t1: answers[0].t1 };
  const seen = new Set();
  for (const answer of answers) {
    for (const lane of answer.threads)
      next.threads.set(lane.id, prepareLane(lane, answer));
    for (const lane of answer.objects)
      next.objects.set(lane.id, prepareLane(lane, answer));
    for (const log of answer.logs) {
      if (!next.logs.has(log.thread_id)) next.logs.set(log.thread_id, []);
      next.logs.get(log.thread_id).push(log);
    }
    // A wake-up on a thread of one request and an object of another comes twice.
    for (const w of answer.wakeups) {
      const key = `${w.from_event_id}:${w.to_event_id}`;
      if (!seen.has(key)) {
        seen.add(key);
        next.wakeups.push(w);
      }
    }
    next.truncated = next.truncated || answer.logs_truncated || answer.wakeups_truncated
      || answer.threads.some((l) => l.truncated) || answer.objects.some((l) => l.truncated);
  }
  return next;
}

function windowRequest() {
  const lanes = visibleLanes();
  const threads = lanes.filter((l) => l.kind === 'thread').map((l) => l.id);
  const objects = lanes.filter((l) => l.kind === 'object').map((l) => l.id);
  const { t0, t1 } = viewWindow();
  const px = Math.min(Math.max(plot.width, 1), 8192);
  const key = [t0, t1, px, threads.join(','), objects.join(',')].join('|');
  return { t0, t1, px, threads, objects, key };
}

/* The request as API calls of at most MAX_LANES lanes of a kind. */
function windowCalls(request) {
  const calls = [];
  const count = Math.max(request.threads.length, request.objects.length);
  for (let i = 0; i < count; i += MAX_LANES) {
    const params = { t0: absolute(request.t0), t1: absolute(request.t1), px: request.px };
    const threads = request.threads.slice(i, i + MAX_LANES);
    const objects = request.objects.slice(i, i + MAX_LANES);
    if (threads.length) params.threads = threads.join(',');
    if (objects.length) params.objects = objects.join(',');
    calls.push(params);
  }
  return calls;
}

async function loadVisible() {
  if (plot.width <= 0)
    return; // hidden
  const request = windowRequest();
  if (request.key !== data.key) {
    const began = reloads;
    const calls = windowCalls(request);
    const answers = await Promise.all(calls.map((params) => api('/api/window', params)));
    if (windowRequest().key !== request.key)
      return; // stale: the view or the lanes moved while it loaded
    data = answers.length ? merge(request, answers) : { ...data, key: request.key };
    if (began !== reloads)
      data.key = ''; // the trace changed while it loaded: drawn, and asked for again
    loadedListeners.forEach((listener) => listener(true));
  } else {
    loadedListeners.forEach((listener) => listener(false));
  }
}

const load = serial(async () => {
  try {
    await loadVisible();
  } catch (error) {
    failedListeners.forEach((listener) => listener(error));
  }
});

/* Loads the visible window after `delay` ms of quiet. */
export function scheduleFetch(delay = FETCH_DELAY) {
  clearTimeout(timer);
  timer = setTimeout(load, delay);
}

/* Loads the visible window again even if it is the one loaded (a live
 * trace changed under it); drop forgets what is loaded at once (its
 * times no longer mean the same: the trace's begin moved). */
export function reloadWindow(drop) {
  reloads++;
  data = drop ? emptyData() : { ...data, key: '' };
  scheduleFetch(0);
}
