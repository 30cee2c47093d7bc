/*
 * live.js - a live trace: one that `thrace daemon` is still storing
 * (/api/trace says `live`). While it is, the header shows a "live" badge
 * and a "Follow live" button, and /api/trace is asked for again POLL ms
 * after each answer (never two requests at once); every answer goes to the
 * listeners (app.js applies it). Once an answer is no longer live the badge
 * and the button go, and that answer is the last one asked for, unless the
 * page is `thrace daemon`'s (/api/trace says `daemon`): its database gets
 * new traces, so it keeps asking, live or not, and the next program
 * recorded with `thrace record --live` shows up by itself.
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
let daemon = false; // a daemon stores into the database: traces may appear
let timer = 0;

/* listener(trace) for each answer to a poll, read with exact times
 * (api.js); without a daemon, trace.live false for the last one. */
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
    ({ live, daemon } = trace);
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
  if (live)
    showFollowing();
  if (live || daemon)
    timer = setTimeout(poll, POLL);
}

/* Starts polling if the trace (the first /api/trace answer) is live, or
 * a daemon stores into its database. */
export function startLive(trace) {
  ({ live, daemon } = trace);
  onViewChange(() => {
    if (live) showFollowing();
  });
  $('follow').addEventListener('click', showEnd);
  showLive();
}
