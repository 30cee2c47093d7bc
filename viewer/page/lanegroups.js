/*
 * lanegroups.js - many lanes made few: each heading of the lane list (a
 * host's, a process's, its objects') folds its lanes away on a click and
 * unfolds them on the next, and the lane filter (`#lane-filter`) keeps the
 * lanes whose name or kind holds its text (any case). Both are trace.js's
 * model.folded and model.filter, which buildLanes reads; each change goes
 * to the listener (app.js builds the lanes again, as for the host filter).
 * The canvas draws the visible lanes only (plot.js), so a folded or
 * filtered lane costs nothing to draw or to load. The URL's hash keeps
 * both (`fold=KEY,KEY`, `lanes=TEXT`), so a link shows the same lanes.
 */
import { model } from './trace.js';
import { hashPartChanged, keepInHash } from './urlstate.js';

const $ = (id) => document.getElementById(id);
const TYPING = 150; // ms of quiet before the filter applies

/* The folds a link's hash names (keys joined by commas), then listener(). */
function applyFolds(text, listener) {
  const folded = new Set(text ? text.split(',') : []);
  if ([...folded].join(',') === [...model.folded].join(',')) return;
  model.folded = folded;
  listener();
}

/* The lane filter a link's hash holds, then listener(). */
function applyFilter(text, listener) {
  $('lane-filter').value = text;
  if (text === model.filter) return;
  model.filter = text;
  listener();
}

/* listener() after a heading was folded or unfolded, or the filter changed. */
export function listenLaneGroups(listener) {
  keepInHash('fold', () => [...model.folded].join(','), (text) => applyFolds(text, listener));
  keepInHash('lanes', () => model.filter, (text) => applyFilter(text, listener));
  $('lanes').addEventListener('click', (event) => {
    const heading = event.target.closest('li[data-group]');
    if (!heading) return;
    const key = heading.dataset.group;
    if (!model.folded.delete(key)) model.folded.add(key);
    listener();
    hashPartChanged();
  });
  let timer = 0;
  $('lane-filter').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      model.filter = $('lane-filter').value.trim();
      listener();
      hashPartChanged();
    }, TYPING);
  });
}
