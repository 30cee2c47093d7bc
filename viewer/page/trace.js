/*
 * trace.js - the trace as /api/trace describes it, and its lanes: one per
 * thread in the API's order (per process, the main thread first) under a
 * heading per process, then one per object. Each lane has a label in the
 * lane list, `data-lane="thread:ID"` or `"object:ID"`, as tall as the lane
 * it names: the canvas draws lane i at the same height as its label.
 * Built at the start, and built again whole when a live trace's threads
 * or objects change (lanesChanged says so): a lane's `title` is its
 * label's tooltip as built, which deadlocks.js adds to.
 */

export const AXIS = 24; // px of time axis above the lanes

/* Lane heights, and the rows inside a lane as [top, bottom) px from its top.
 * A thread lane: log marks, then its waits, sleeps and joins (`top`: the
 * lane's vertical middle lies in it), then the locks it holds (`bottom`),
 * over its running band. An object lane: its waiters, then its holders. */
export const LANE = {
  thread: { height: 40, marks: [2, 9], top: [10, 28], bottom: [29, 38], band: [2, 38] },
  object: { height: 30, top: [3, 15], bottom: [16, 28] },
  group: { height: 22 },
};

export const model = {
  span: 1,                 // ns from the trace's begin to its end
  lanes: [],               // in drawing order: {kind, id, top, height, el, item}
  threads: new Map(),      // id -> thread of /api/trace
  objects: new Map(),      // id -> object of /api/trace
  threadLanes: new Map(),  // id -> lane
  height: 0,
};

export function threadName(id) {
  return (model.threads.get(id) || {}).name || `thread ${id}`;
}

export function objectName(id) {
  return (model.objects.get(id) || {}).name || `object ${id}`;
}

function laneLabel(kind, id, name, note, title) {
  const el = document.createElement('li');
  el.className = kind;
  el.dataset.lane = `${kind}:${id}`;
  el.title = title;
  const nameEl = document.createElement('span');
  nameEl.className = 'name';
  nameEl.textContent = name;
  const noteEl = document.createElement('span');
  noteEl.className = 'kind';
  noteEl.textContent = note;
  el.append(nameEl, noteEl);
  return el;
}

function groupLabel(text) {
  const el = document.createElement('li');
  el.className = 'group';
  el.textContent = text;
  el.title = text;
  return el;
}

function addLane(list, kind, id, el, item) {
  const height = LANE[kind].height;
  el.style.height = `${height}px`;
  const lane = { kind, id, top: model.height, height, el, item, title: el.title };
  model.lanes.push(lane);
  model.height += height;
  list.append(el);
  return lane;
}

let built = ''; // what the lanes were built from, as lanesChanged compares it

function lanesKey(trace) {
  return JSON.stringify([trace.processes, trace.threads, trace.objects]);
}

/* Whether /api/trace's answer has other processes, threads or objects
 * (or other names, ends, ...) than the lanes were built from. */
export function lanesChanged(trace) {
  return lanesKey(trace) !== built;
}

/* Fills the lane list from /api/trace's answer, replacing any lanes
 * built before; onObject(id) is called when an object's label is clicked. */
export function buildLanes(trace, list, onObject) {
  built = lanesKey(trace);
  model.lanes = [];
  model.threads.clear();
  model.objects.clear();
  model.threadLanes.clear();
  model.height = 0;
  list.replaceChildren();
  const processes = new Map(trace.processes.map((p) => [p.id, p]));
  let process = null;
  for (const thread of trace.threads) {
    if (thread.process_id !== process) {
      process = thread.process_id;
      const p = processes.get(process);
      addLane(list, 'group', null, groupLabel(p ? `${p.name || 'process'} · pid ${p.pid}` : 'threads'));
    }
    const note = thread.daemon ? `${thread.kind}, daemon` : thread.kind;
    const el = laneLabel('thread', thread.id, thread.name, note, `thread ${thread.tid}`);
    model.threads.set(thread.id, thread);
    model.threadLanes.set(thread.id, addLane(list, 'thread', thread.id, el, thread));
  }
  if (trace.objects.length)
    addLane(list, 'group', null, groupLabel('objects'));
  for (const object of trace.objects) {
    const el = laneLabel('object', object.id, object.name, object.kind, 'click: follow this object');
    el.addEventListener('click', () => onObject(object.id));
    model.objects.set(object.id, object);
    addLane(list, 'object', object.id, el, object);
  }
}

/* The lane at y px from the top of the lanes, or undefined. */
export function laneAt(y) {
  return model.lanes.find((l) => y >= l.top && y < l.top + l.height);
}
