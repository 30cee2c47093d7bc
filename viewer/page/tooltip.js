/*
 * tooltip.js - what the thing under the pointer is (#tooltip): a title,
 * the guide-style log lines of the events that make it (/api/interval,
 * /api/event, or a log's own line, with how many more a zoomed-out log
 * mark stands for), its exact times in ns since the
 * trace's begin, and its duration. What the window already says shows at
 * once; the lines follow when their answer comes, unless the pointer has
 * moved on to something else. Answers are kept (a bounded cache).
 * A click pins it (`data-pinned`): it then stays, whatever the pointer
 * does, so that its links (blockers.js) can be clicked, until another
 * click or Escape. A semaphore's step (semlane.js) tells its value.
 */
import { api } from './api.js';
import { blockerLinks } from './blockers.js';
import { doingTo, kindWords } from './kinds.js';
import { formatDuration, formatSeconds } from './format.js';
import { showError } from './status.js';
import { STATE_TEXT, WAKEUP_TEXT } from './states.js';
import { model, objectName, threadName } from './trace.js';

const tooltip = document.getElementById('tooltip');
const shown = { key: null, token: 0, pinned: false };
const answers = new Map(); // "/api/interval?7" -> promise of its answer

function detail(path, id) {
  const key = `${path}?${id}`;
  if (!answers.has(key)) {
    if (answers.size > 500) answers.clear();
    const promise = api(path, { id });
    promise.catch(() => answers.delete(key)); // ask again next time
    answers.set(key, promise);
  }
  return answers.get(key);
}

export function hideTooltip() {
  if (shown.pinned) return;
  shown.key = null;
  shown.token++;
  tooltip.hidden = true;
}

function place(clientX, clientY) {
  const box = tooltip.getBoundingClientRect();
  const left = Math.min(clientX + 14, window.innerWidth - box.width - 8);
  const below = clientY + 16 + box.height <= window.innerHeight;
  tooltip.style.left = `${Math.max(left, 4)}px`;
  tooltip.style.top = `${Math.max(below ? clientY + 16 : clientY - box.height - 12, 4)}px`;
}

function render(title, lines, pairs, links = []) {
  const titleEl = document.createElement('div');
  titleEl.className = 'title';
  titleEl.textContent = title;
  const linesEl = document.createElement('div');
  linesEl.className = 'lines';
  linesEl.textContent = lines.filter(Boolean).join('\n');
  const list = document.createElement('dl');
  for (const [name, value] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
  const linksEl = document.createElement('div');
  linksEl.className = 'links';
  linksEl.append(...links);
  tooltip.replaceChildren(titleEl, linesEl, list, linksEl);
}

function exact(t) {
  return `${formatSeconds(t)}  (${Math.round(t)} ns)`;
}

function times(begin, end) {
  const pairs = [['begin', exact(begin)]];
  if (end !== undefined)
    pairs.push(['end', exact(end)], ['duration', `${formatDuration(end - begin)}  (${end - begin} ns)`]);
  return pairs;
}

/* A log mark's title: a line, or the first of a pixel's lines (a window
 * zoomed out has a mark a pixel, counting them: API.md's `count`). */
export function logTitle(log, thread) {
  return log.count > 1 ? `${thread}: ${log.count} log lines, the first:` : `${thread}: log line`;
}

/* A log mark's line, and how many more it stands for. */
export function logLines(log) {
  const more = (log.count || 1) - 1;
  return more ? [log.line, `and ${more} more line${more > 1 ? 's' : ''} here: zoom in`] : [log.line];
}

function intervalTitle(iv, lane) {
  const who = threadName(lane.kind === 'object' ? iv.thread_id : lane.id);
  const object = model.objects.get(iv.object_id);
  const doing = object ? `${doingTo(iv.state, object.kind)} ${object.name}`
    : `${STATE_TEXT[iv.state] || iv.state}${iv.object_id != null ? ` ${objectName(iv.object_id)}` : ''}`;
  const outcome = iv.outcome && iv.outcome !== 'ok' ? ` (${iv.outcome})` : '';
  return `${who}: ${doing}${outcome}`;
}

/* A pinned tooltip lets go before its link moves the view. */
function unpin() {
  shown.pinned = false;
  tooltip.dataset.pinned = 'false';
  hideTooltip();
}

function describeValue(hit) {
  const { step, lane } = hit;
  const object = lane.item;
  const of = object.param ? ` of ${object.param}` : '';
  const title = `${object.name} (${kindWords(object.kind)}): ${step.held}${of} permits in use, `
    + `${step.waiting} waiting`;
  const note = hit.sampled ? [['sampled', 'at its begin: zoom in for every change']] : [];
  return [[title, [], [...times(step.ts, hit.end), ...note]], null];
}

/* [what shows at once, a promise of the whole or null], each as
 * [title, lines, [name, value] pairs]. */
function describe(hit) {
  if (hit.type === 'interval') {
    const { iv } = hit;
    const title = intervalTitle(iv, hit.lane);
    const later = detail('/api/interval', iv.id).then((d) => [title, [d.begin_line, d.end_line],
      [...times(d.begin_ns, d.end_ns), ...(d.site ? [['site', d.site]] : [])],
      blockerLinks(d, unpin)]);
    return [[title, [], times(iv.begin_ns, iv.end_ns)], later];
  }
  if (hit.type === 'log') {
    const { log } = hit;
    return [[logTitle(log, threadName(log.thread_id)), logLines(log), times(log.ts)], null];
  }
  if (hit.type === 'seen') {
    const { seen } = hit;
    return [[`${threadName(seen.thread_id)} saw a deadlock itself`,
      [`as it began to wait for ${objectName(seen.object_id)} (THRACE_DEADLOCK)`], times(seen.ts)], null];
  }
  if (hit.type === 'value')
    return describeValue(hit);
  if (hit.type === 'mark') {
    const { mark } = hit;
    const several = mark.count > 1; // the pixel's marks of its name, told by the first
    const title = several ? `${mark.count} × ${mark.name} ${objectName(hit.lane.id)}, the first:`
      : `${threadName(mark.thread_id)}: ${mark.name} ${objectName(hit.lane.id)}`;
    const more = several ? [['zoom in', 'to see each one']] : [];
    const later = detail('/api/event', mark.event_id).then((e) => [title, [e.line],
      [...times(mark.ts), ...(e.site ? [['site', e.site]] : []), ...more]]);
    return [[title, [], [...times(mark.ts), ...more]], later];
  }
  if (hit.type === 'bucket') {
    const b = hit.bucket;
    const counted = `${b.count}${b.more ? ' or more' : ''}`; // more: the pixel was sampled
    const title = `${counted} short interval${b.count > 1 || b.more ? 's' : ''}: ${STATE_TEXT[b.state] || b.state}`;
    return [[title, [], [...times(b.begin_ns, b.end_ns), ['zoom in', 'to see each one']]], null];
  }
  const w = hit.wakeup;
  const title = `${WAKEUP_TEXT[w.kind] || w.kind} (${objectName(w.object_id)})`;
  const pairs = [['from', `${threadName(w.from_thread_id)} at ${exact(w.from_ts)}`],
    ['to', `${threadName(w.to_thread_id)} at ${exact(w.to_ts)}`],
    ['after', `${formatDuration(w.to_ts - w.from_ts)}  (${w.to_ts - w.from_ts} ns)`]];
  const later = Promise.all([detail('/api/event', w.from_event_id), detail('/api/event', w.to_event_id)])
    .then(([from, to]) => [title, [from.line, to.line],
      from.site ? [...pairs, ['from site', from.site]] : pairs]);
  return [[title, [], pairs], later];
}

/* Shows what hit (draw.js's hitAt) is, by the pointer at (clientX, clientY). */
export function showTooltip(hit, clientX, clientY) {
  if (shown.pinned) return;
  if (hit.key !== shown.key) {
    shown.key = hit.key;
    const token = ++shown.token;
    const [now, later] = describe(hit);
    render(...now);
    if (later) {
      later.then((whole) => {
        if (token !== shown.token) return; // the pointer moved on
        render(...whole);
        place(clientX, clientY);
      }).catch((error) => {
        if (token === shown.token) showError(error);
      });
    }
  }
  tooltip.hidden = false;
  place(clientX, clientY);
}

/* Shows hit and keeps it shown (null: lets go of a pinned one). */
export function pinTooltip(hit, clientX, clientY) {
  unpin();
  if (!hit) return;
  showTooltip(hit, clientX, clientY);
  shown.pinned = true;
  tooltip.dataset.pinned = 'true';
}
