/*
 * selection.js - the object being followed (clicked on the canvas or on its
 * label): its label is marked, so are the labels of the threads that
 * touched it in the loaded window, and the canvas dims everything else
 * (draw.js asks isDimmed). `document.body.dataset.selected` says which,
 * "object:ID" or "".
 */
import { data } from './loader.js';
import { model } from './trace.js';

let selected = null;
const listeners = [];

export function onSelect(listener) {
  listeners.push(listener);
}

export function selectedObject() {
  return selected;
}

/* Whether something about objectId (null: about no object) is dimmed. */
export function isDimmed(objectId) {
  return selected !== null && objectId !== selected;
}

let marked = false; // whether any label is marked

/* Marks the labels again, after a selection or a new window. */
export function markLabels() {
  if (selected === null && !marked)
    return; // nothing to mark or unmark: spares a walk over thousands of labels
  marked = selected !== null;
  const touched = new Set();
  if (selected !== null) {
    const lane = data.objects.get(selected);
    for (const iv of lane ? lane.intervals : []) touched.add(iv.thread_id);
    for (const [id, lane] of data.threads)
      if (lane.intervals.some((iv) => iv.object_id === selected)) touched.add(id);
    for (const w of data.wakeups)
      if (w.object_id === selected) touched.add(w.from_thread_id).add(w.to_thread_id);
  }
  for (const lane of model.lanes) {
    if (lane.kind === 'group') continue;
    lane.el.classList.toggle('selected', lane.kind === 'object' && lane.id === selected);
    lane.el.classList.toggle('touched', lane.kind === 'thread' && touched.has(lane.id));
  }
}

/* Follows objectId; null lets go. */
export function select(objectId) {
  selected = objectId;
  document.body.dataset.selected = objectId === null ? '' : `object:${objectId}`;
  markLabels();
  listeners.forEach((listener) => listener());
}
