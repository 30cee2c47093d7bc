/*
 * live.js - a live trace: one that `thrace daemon` is still storing
 * (/api/trace says `live`). While it is, the header shows a "live" badge
 * and a "Follow live" button, and /api/trace is asked for again POLL ms
 * after each answer (never two requests at once); every answer goes to the
 * listeners (app.js applies it). The first answer that is no longer live is
 * the last one asked for: the badge and the button go.
 *
 * The button says whether the view follows the live edge (aria-pressed,
 * view.js's atEnd); pressed, or with the End key, the view goes back to
 * the end and follows it again. `document.body.dataset.live` is "1" while
 * live, "" otherwise; `document.body.dataset.following` is "1" while the
 * view shows the end.
 */
import { api } from './api.js';
import { showError } from './status.js';
import { atEnd, onViewChange, showEnd } from './view.js';

const $ = (id) => document.getElementById(id);
const POLL = 1000; // ms from an answer to the next request
const listeners = [];
let live = false;
let timer = 0;

/* listener(trace) for each answer to a poll, read with exact times
 * (api.js); trace.live false for the last one. */
export function onPoll(listener) {
  listeners.push(listener);
}

/* The button's state: pressed while the view follows the edge. */
function showFollowing() {
  const following = atEnd();
  document.body.dataset.following = following ? '1' : '';
  const button = $('follow');
  button.setAttribute('aria-pressed', String(following));
  button.textContent = following ? 'Following live' : 'Follow live';
}

async function poll() {
  try {
    const trace = await api('/api/trace', undefined, true);
    live = trace.live;
    listeners.forEach((listener) => listener(trace));
  } catch (error) {
    showError(error); // the server may be busy or restarting: asked again
  }
  showLive();
}

function showLive() {
  document.body.dataset.live = live ? '1' : '';
  $('live').hidden = !live;
  clearTimeout(timer);
  if (live) {
    showFollowing();
    timer = setTimeout(poll, POLL);
  }
}

/* Starts polling if the trace (the first /api/trace answer) is live. */
export function startLive(trace) {
  live = trace.live;
  onViewChange(() => {
    if (live) showFollowing();
  });
  $('follow').addEventListener('click', showEnd);
  showLive();
}
