/*
 * trace.js - the trace as /api/trace describes it, and its lanes: one per
 * thread in the API's order (per process, the main thread first) under a
 * heading per process, then one per object (with several processes,
 * each one's after its threads). A process is named `HOST · NAME · pid N`,
 * the host only when the traces come from more than one (as
 * tracer/query/hosts.h's reports): the heading keeps the host and pid
 * shown, the name cut first, and says all of it on hover; each lane's
 * tooltip names its process. Each lane has a label in the
 * lane list, `data-lane="thread:ID"` or `"object:ID"`, as tall as the lane
 * it names: the canvas draws lane i at the same height as its label.
 * Built at the start, and built again whole when a live trace's threads
 * or objects change (lanesChanged says so): a lane's `title` is its
 * label's tooltip as built, which deadlocks.js adds to.
 */

import { kindWords, shortKind } from './kinds.js';

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
  threads: new Map(),      // id -> thread of /api/trace (with a lane or not)
  objects: new Map(),      // id -> object of /api/trace (with a lane or not)
  threadLanes: new Map(),  // id -> lane
  processes: new Map(),    // id -> process of /api/trace
  severalHosts: false,     // the traces come from more than one host
  host: null,              // the only host whose lanes are built (hostfilter.js); null: all
  folded: new Set(),       // the headings folded (lanegroups.js): `host:NAME`, `process:ID`, ...
  filter: '',              // the lanes built are those whose name or kind holds it (any case)
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

/* A trace's hostname as the page says it (null: the trace did not say). */
export function hostName(hostname) {
  return hostname ?? 'unknown host';
}

/* [host, name, pid] of process id as the page names it (host '' when
 * not named), or null for an id /api/trace did not list. */
function processParts(id) {
  const p = model.processes.get(id);
  if (!p) return null;
  const host = model.severalHosts ? hostName(p.hostname) : '';
  return [host, p.name || 'process', `pid ${p.pid}`];
}

/* `HOST · NAME · pid N` (or `NAME · pid N`), or '' for an unknown process. */
export function processLabel(id) {
  return (processParts(id) || []).filter(Boolean).join(' · ');
}

/* What `thrace log` puts before a line of thread id when there is more
 * than one process: "[pid N] ", "[pid N on HOST] " with more than one
 * host (tracer/query/hosts.h's words); '' otherwise. */
export function logPrefix(id) {
  const p = model.processes.get(model.threads.get(id)?.process_id);
  if (model.processes.size < 2 || !p) return '';
  const host = model.severalHosts ? ` on ${p.hostname ?? 'an unknown host'}` : '';
  return `[pid ${p.pid}${host}] `;
}

function span(className, text) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

/* A heading of parts [host, name, pid] ('' left out), each in a span
 * (classes host, process, pid, between spans of class sep), so that the
 * stylesheet cuts the process's name before its host or pid; the whole
 * text on hover. */
function groupLabel(parts, key) {
  const el = document.createElement('li');
  el.className = 'group';
  el.dataset.group = key;
  el.classList.toggle('folded', model.folded.has(key));
  const shown = parts.map((text, i) => text && [['host', 'process', 'pid'][i], text])
    .filter(Boolean);
  shown.forEach(([kind, text], i) => {
    if (i) el.append(span('sep', ' · '));
    el.append(span(kind, text));
  });
  el.title = el.textContent;
  return el;
}

/* The processes (with the host each one's trace names), threads and
 * objects of the answer, by id, whether the filter gives them lanes or not. */
function keepNames(trace) {
  const hosts = new Map(trace.traces.map((t) => [t.id, t.hostname]));
  model.processes = new Map(trace.processes
    .map((p) => [p.id, { ...p, hostname: hosts.get(p.trace_id) }]));
  model.severalHosts = new Set(trace.traces.map((t) => t.hostname)).size > 1;
  model.threads = new Map(trace.threads.map((t) => [t.id, t]));
  model.objects = new Map(trace.objects.map((o) => [o.id, o]));
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
  return JSON.stringify([model.host, [...model.folded], model.filter,
    trace.traces.map((t) => t.hostname), trace.processes, trace.threads, trace.objects]);
}

/* Whether /api/trace's answer has other hosts, processes, threads or
 * objects (or other names, ends, ...) than the lanes were built from, or
 * another host was chosen since. */
export function lanesChanged(trace) {
  return lanesKey(trace) !== built;
}

/* Whether process id's lanes are built: all, or those of model.host. */
function shownProcess(id) {
  const p = model.processes.get(id);
  return model.host === null || hostName(p?.hostname) === model.host;
}

/* Whether a lane named name, of kind note, passes model.filter. */
function passes(name, note) {
  const filter = model.filter.toLowerCase();
  return !filter || `${name} ${note}`.toLowerCase().includes(filter);
}

/* Fills the lane list from /api/trace's answer, replacing any lanes
 * built before; onObject(id) is called when an object's label is clicked.
 * With several processes, each one's objects follow its threads, under
 * its heading: two hosts' Lock-1s lie apart; with several hosts, each
 * host's processes follow its heading. With a host chosen, only its
 * processes' lanes. A folded heading keeps its lanes (a host's: its
 * processes' headings too) out; the filter keeps the lanes it does not
 * name out, not the headings. */
export function buildLanes(trace, list, onObject) {
  built = lanesKey(trace);
  model.lanes = [];
  model.threadLanes.clear();
  model.height = 0;
  list.replaceChildren();
  keepNames(trace);
  const objectsOf = new Map(); // process id -> its objects, when there are several processes
  const threads = trace.threads.filter((t) => shownProcess(t.process_id));
  const objects = trace.objects.filter((o) => shownProcess(o.process_id));
  for (const object of trace.processes.length > 1 ? objects : []) {
    if (!objectsOf.has(object.process_id)) objectsOf.set(object.process_id, []);
    objectsOf.get(object.process_id).push(object);
  }
  let process;
  let host;
  for (const thread of threads) {
    if (thread.process_id !== process) {
      addObjectLanes(list, objectsOf, process, onObject);
      process = thread.process_id;
      const name = hostName(model.processes.get(process)?.hostname);
      if (model.severalHosts && name !== host)
        addLane(list, 'group', null, hostLabel(host = name));
      if (!folded(process))
        addLane(list, 'group', null,
          groupLabel(processParts(process) || ['', 'threads', ''], `process:${process}`));
    }
    if (!folded(process, true) && passes(thread.name, thread.kind))
      addThreadLane(list, thread);
  }
  addObjectLanes(list, objectsOf, process, onObject);
  // The objects of a single process, or of processes without a thread listed.
  const rest = trace.processes.length > 1 ? [...objectsOf.values()].flat() : objects;
  addObjects(list, rest, 'objects', 'objects', onObject);
}

/* Whether process id's host is folded (or, with lanes, the process). */
function folded(id, lanes = false) {
  const host = hostName(model.processes.get(id)?.hostname);
  return (model.severalHosts && model.folded.has(`host:${host}`))
    || (lanes && model.folded.has(`process:${id}`));
}

/* A host's heading, whose folding keeps its processes out. */
function hostLabel(name) {
  const el = groupLabel([name, '', ''], `host:${name}`);
  el.classList.add('host-group');
  return el;
}

function addThreadLane(list, thread) {
  const note = thread.daemon ? `${thread.kind}, daemon` : thread.kind;
  const title = [thread.name, `thread ${thread.tid}`, processLabel(thread.process_id)]
    .filter(Boolean)
    .join(' · ');
  const el = laneLabel('thread', thread.id, thread.name, note, title);
  model.threadLanes.set(thread.id, addLane(list, 'thread', thread.id, el, thread));
}

/* The lanes of process's objects in objectsOf (none: nothing), once. */
function addObjectLanes(list, objectsOf, process, onObject) {
  const objects = objectsOf.get(process) || [];
  objectsOf.delete(process);
  if (!folded(process, true))
    addObjects(list, objects, `objects of ${processLabel(process)}`, `objects:${process}`,
      onObject);
}

/* Objects' lanes under a heading "objects" (title: its tooltip; key: its
 * folding's), if any; none when it is folded. */
function addObjects(list, objects, title, key, onObject) {
  if (!objects.length) return;
  const heading = groupLabel(['', 'objects', ''], key);
  heading.title = title;
  addLane(list, 'group', null, heading);
  if (model.folded.has(key)) return;
  for (const object of objects.filter((o) => passes(o.name, o.kind))) {
    /* As the reports tell it: its variable, else where it was made. */
    const known = object.symbol ? `variable ${object.symbol}`
      : object.made_at && `made at ${object.made_at}`;
    const tip = [`${object.name} (${kindWords(object.kind)})`, known,
      processLabel(object.process_id), 'click: follow this object'].filter(Boolean).join(' · ');
    const el = laneLabel('object', object.id, object.name, shortKind(object.kind), tip);
    el.addEventListener('click', () => onObject(object.id));
    addLane(list, 'object', object.id, el, object);
  }
}

/* The lane at y px from the top of the lanes, or undefined. */
export function laneAt(y) {
  return model.lanes.find((l) => y >= l.top && y < l.top + l.height);
}
