/*
 * activity.js - the view the page opens on: the programs' activity, from
 * their first event to their last (/api/trace's `activity_begin_ns` and
 * `activity_end_ns`), rather than the whole recording, which ends at the
 * session's stop, often long after (a 22 ms program was drawn in the first
 * tenth of a 227 ms view). The header's buttons show either: `#activity`
 * the program's, `#whole` the whole recording (as 0 and Home do); zooming
 * out reaches the session's tail too. A live trace opens on its end, as
 * view.js follows it.
 */
import { resetView, setView } from './view.js';

const $ = (id) => document.getElementById(id);
let activity = null; // [first, last] event of the programs, in page time; null: unknown

/* Keeps the activity an answer of /api/trace (in page times) tells. */
export function keepActivity(trace) {
  const { activity_begin_ns: first, activity_end_ns: last } = trace;
  activity = first === null || last === null || first === undefined ? null : [first, last];
}

/* Shows the programs' activity (the whole recording when unknown). */
export function showActivity() {
  if (activity) setView(...activity);
  else resetView();
}

export function listenActivity() {
  $('activity').addEventListener('click', showActivity);
  $('whole').addEventListener('click', resetView);
}
