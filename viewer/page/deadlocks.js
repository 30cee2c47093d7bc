/*
 * deadlocks.js - the Deadlocks tab and the lanes it names. /api/deadlocks
 * (what `thrace deadlocks` prints, with the ids of the threads and objects
 * its findings name) is asked for once, at the start, rather than when the
 * tab is first shown: the tab's label counts the findings and the timeline
 * marks their lanes before anyone looks. `#deadlocks-text` has data-state
 * "loading", "ready" or "error"; a marked lane label has the class
 * `deadlocked` and `data-deadlocked="1"`.
 */
import { api } from './api.js';
import { showError } from './status.js';
import { model } from './trace.js';

const $ = (id) => document.getElementById(id);

/* The tab's label, with the number of findings when there are some. */
function labelTab(count) {
  const tab = $('tab-deadlocks');
  tab.textContent = count ? `Deadlocks (${count})` : 'Deadlocks';
  tab.classList.toggle('warning', count > 0);
}

function markLanes(threads, objects) {
  const named = { thread: new Set(threads), object: new Set(objects) };
  for (const lane of model.lanes) {
    if (lane.kind === 'group' || !named[lane.kind].has(lane.id)) continue;
    lane.el.classList.add('deadlocked');
    lane.el.dataset.deadlocked = '1';
    lane.el.title += ' · in a deadlock report';
  }
}

function describe(answer) {
  const parts = [`deadlocks: ${answer.deadlocks}`, `possible: ${answer.possible}`,
    `stuck: ${answer.stuck}`];
  if (answer.truncated)
    parts.push('the report is cut short: `thrace deadlocks` prints all of it');
  return parts.join(' · ');
}

/* Fills the tab and marks the lanes; the lanes must be built. */
export async function loadDeadlocks() {
  const text = $('deadlocks-text');
  text.dataset.state = 'loading';
  try {
    const answer = await api('/api/deadlocks');
    text.textContent = answer.report;
    $('deadlocks-info').textContent = describe(answer);
    labelTab(answer.deadlocks + answer.possible + answer.stuck);
    markLanes(answer.threads, answer.objects);
    text.dataset.state = 'ready';
  } catch (error) {
    text.dataset.state = 'error';
    showError(error);
  }
}
