/*
 * deadlocks.js - the Deadlocks tab and the lanes it names. /api/deadlocks
 * (what `thrace deadlocks` prints, with the ids of the threads and objects
 * its findings name) is asked for at the start, rather than when the tab
 * is first shown: the tab's label counts the findings and the timeline
 * marks their lanes before anyone looks. While the trace is live it is
 * asked for again (app.js says when), so that a deadlock forming in a
 * program that hangs is flagged as it forms. `#deadlocks-text` has
 * data-state "loading" (the first time), "ready" or "error"; a marked lane
 * label has the class `deadlocked` and `data-deadlocked="1"`. The deadlocks
 * the program saw itself (THRACE_DEADLOCK=1) are kept by thread, for
 * draw.js to mark the moment on the thread's lane.
 */
import { api } from './api.js';
import { showCards } from './cards.js';
import { serial } from './serial.js';
import { showError } from './status.js';
import { model } from './trace.js';

const $ = (id) => document.getElementById(id);
const named = { thread: new Set(), object: new Set() }; // by the last report
const seen = new Map(); // thread id -> [{thread_id, object_id, ts}], by the last report
const seenListeners = [];

/* The deadlocks thread `id` saw itself, as the last report has them. */
export function seenBy(id) {
  return seen.get(id) || [];
}

/* Calls listener once new ones are known. */
export function onSeen(listener) {
  seenListeners.push(listener);
}

function keepSeen(list) {
  seen.clear();
  for (const s of list) {
    if (!seen.has(s.thread_id)) seen.set(s.thread_id, []);
    seen.get(s.thread_id).push(s);
  }
  for (const listener of seenListeners) listener();
}

/* The tab's label, with the number of findings when there are some. */
function labelTab(count) {
  const tab = $('tab-deadlocks');
  tab.textContent = count ? `Deadlocks (${count})` : 'Deadlocks';
  tab.classList.toggle('warning', count > 0);
}

/* Marks the lanes the last report names, and only those (again after the
 * lanes are built again). */
export function markDeadlocked() {
  for (const lane of model.lanes) {
    if (lane.kind === 'group') continue;
    const marked = named[lane.kind].has(lane.id);
    lane.el.classList.toggle('deadlocked', marked);
    if (marked) lane.el.dataset.deadlocked = '1';
    else delete lane.el.dataset.deadlocked;
    lane.el.title = marked ? `${lane.title} · in a deadlock report` : lane.title;
  }
}

function describe(answer) {
  const parts = [`deadlocks: ${answer.deadlocks}`, `possible: ${answer.possible}`,
    `stuck: ${answer.stuck}`, `leaks: ${answer.leaks}`,
    `over-releases: ${answer.overreleases}`];
  if (answer.unknown)
    parts.push(`unknown after a gap: ${answer.unknown}`);
  if (answer.truncated)
    parts.push('the report is cut short: `thrace deadlocks` prints all of it');
  return parts.join(' · ');
}

async function load() {
  const text = $('deadlocks-text');
  if (text.dataset.state !== 'ready')
    text.dataset.state = 'loading'; // a refresh keeps the last report shown meanwhile
  try {
    const answer = await api('/api/deadlocks');
    if (text.textContent !== answer.report)
      text.textContent = answer.report;
    $('deadlocks-info').textContent = describe(answer);
    labelTab(answer.deadlocks + answer.possible + answer.stuck + answer.leaks +
      answer.overreleases);
    named.thread = new Set(answer.threads);
    named.object = new Set(answer.objects);
    markDeadlocked();
    showCards(answer.findings);
    keepSeen(answer.seen || []);
    text.dataset.state = 'ready';
  } catch (error) {
    text.dataset.state = 'error';
    showError(error);
  }
}

/* Fills the tab and marks the lanes (the lanes must be built); asked
 * again while it loads, it loads once more after. */
export const loadDeadlocks = serial(load);
