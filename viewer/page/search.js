/*
 * search.js - the header's search box (`#search`): Enter jumps to the next
 * match of its text (case-insensitive), first the lanes whose thread or
 * object name holds it, in lane order, then the log lines holding it, in
 * time order (/api/log's text search, a line at a time after the last one
 * found). A lane found is scrolled to the middle of the timeline and its
 * label marked (`.found`; an object is followed too); a log line's moment
 * is marked and centred (moment.js). After the last match the next Enter
 * starts again. `#search-info` says what was found ("thread Thread-1, 1 of
 * 2 lanes", "log: (Thread-2  ) Waiting for lock", "no match");
 * `document.body.dataset.found` says "thread:ID", "object:ID", "log:NS"
 * (page time) or "".
 */
import { absolute, api } from './api.js';
import { showMoment } from './moment.js';
import { select } from './selection.js';
import { showError } from './status.js';
import { showTab } from './tabs.js';
import { model } from './trace.js';

const $ = (id) => document.getElementById(id);
// The text searched, its lanes, the one shown (-1: none yet), where the log's next
// match is looked for (null: no more), the newest request, the log lines found.
let search = { text: '', lanes: [], at: -1, cursor: null, token: 0, lines: 0 };

function matchingLanes(text) {
  const wanted = text.toLowerCase();
  return model.lanes.filter((lane) => lane.kind !== 'group'
    && lane.item.name.toLowerCase().includes(wanted));
}

function found(what, info) {
  for (const el of document.querySelectorAll('#lanes .found')) el.classList.remove('found');
  document.body.dataset.found = what;
  $('search-info').textContent = info;
}

function showLane(lane) {
  showTab('timeline');
  if (lane.kind === 'object') select(lane.id);
  found(`${lane.kind}:${lane.id}`, `${lane.kind} ${lane.item.name}, `
    + `${search.at + 1} of ${search.lanes.length} lane${search.lanes.length === 1 ? '' : 's'}`);
  lane.el.classList.add('found');
  const timeline = $('timeline');
  timeline.scrollTop = lane.top + lane.height / 2 - timeline.clientHeight / 2;
}

/* The log's next line holding the text, after the cursor; null when none. */
async function nextLine(token) {
  while (search.cursor) {
    const { t0, skip } = search.cursor;
    const params = { t0: absolute(t0), t1: absolute(Math.max(model.span, t0 + 1)),
      text: search.text, limit: 1 };
    if (skip) params.skip = skip;
    const answer = await api('/api/log', params);
    if (token !== search.token) return null;
    search.cursor = answer.next;
    if (answer.lines.length) return answer.lines[0];
  }
  return null;
}

async function showNextLine() {
  const token = ++search.token;
  try {
    const line = await nextLine(token);
    if (token !== search.token) return;
    if (!line) {
      found('', search.lanes.length || search.lines ? 'no more matches' : 'no match');
      search.at = -1; // the next Enter starts again
      search.cursor = { t0: 0, skip: 0 };
      return;
    }
    showTab('timeline');
    showMoment(line.ts, 'search');
    search.lines++;
    found(`log:${line.ts}`, `log: ${line.text}`);
  } catch (error) {
    showError(error);
  }
}

/* Enter: the next match of the box's text. */
function next() {
  const text = $('search').value;
  if (!text) return;
  if (text !== search.text)
    search = { text, lanes: matchingLanes(text), at: -1, cursor: { t0: 0, skip: 0 },
      token: search.token + 1, lines: 0 };
  search.at++;
  if (search.at < search.lanes.length)
    showLane(search.lanes[search.at]);
  else
    showNextLine();
}

export function listenSearch() {
  $('search').addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    next();
  });
  $('search').addEventListener('input', () => found('', ''));
}
