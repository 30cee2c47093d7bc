/*
 * cards.js - the Deadlocks tab's findings as cards (`#cards`, from
 * /api/deadlocks' `findings`): each card says its kind, its first line,
 * the threads and objects it names and its other lines. A click on a card
 * shows it on the timeline: the view zooms to its moment (its times, with
 * half its width on each side, MIN_PAD at least), the lanes of its threads
 * and objects light up (their labels get the class `lit` and
 * `data-lit="1"`, the canvas a band across them), and a wait-for cycle's
 * edges are drawn: from each thread, at its wait's start, to the object it
 * waits for, and on to the thread holding it. The header's `#finding` says
 * which finding is shown; its button, or another click on the card, lets
 * go. `document.body.dataset.finding` is the card's index, or "".
 */
import { addOverlay, requestDraw, strokeArrow } from './draw.js';
import { formatSeconds } from './format.js';
import { ctx, laneY, plot, visibleLanes, xOf } from './plot.js';
import { colours } from './states.js';
import { model, objectName, threadName } from './trace.js';
import { setView } from './view.js';

const $ = (id) => document.getElementById(id);
const MIN_PAD = 10000; // ns on each side of a finding's moment
let findings = [];
let shown = null; // the finding lit on the timeline, or null

function lit(lane) {
  if (!shown || lane.kind === 'group') return false;
  return (lane.kind === 'thread' ? shown.threads : shown.objects).includes(lane.id);
}

/* Marks the labels of the shown finding's lanes, and only those (again
 * after the lanes are built again). */
export function markLit() {
  for (const lane of model.lanes) {
    lane.el.classList.toggle('lit', lit(lane));
    if (lit(lane)) lane.el.dataset.lit = '1';
    else delete lane.el.dataset.lit;
  }
}

function names(finding) {
  return [...finding.threads.map(threadName), ...finding.objects.map(objectName)].join(', ');
}

function card(finding, index) {
  const li = document.createElement('li');
  li.className = `card ${finding.kind}`;
  li.dataset.index = String(index);
  li.tabIndex = 0;
  const head = document.createElement('div');
  head.className = 'summary';
  head.textContent = finding.summary;
  const who = document.createElement('div');
  who.className = 'names';
  who.textContent = names(finding);
  const lines = document.createElement('pre');
  lines.textContent = finding.lines.join('\n');
  const when = document.createElement('div');
  when.className = 'when';
  when.textContent = finding.begin_ns === null ? 'no moment to show'
    : `${formatSeconds(finding.begin_ns)} – ${formatSeconds(finding.end_ns)}: click to show it`;
  li.append(head, who, when, lines);
  li.addEventListener('click', () => choose(index));
  li.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') choose(index);
  });
  return li;
}

/* Fills the cards from /api/deadlocks' findings (in page times); a shown
 * finding stays shown while the report still has it (a live trace's is
 * asked for again). */
export function showCards(list) {
  findings = list;
  $('cards').replaceChildren(...list.map(card));
  show(list.find((f) => shown && f.summary === shown.summary) || null);
}

function show(finding) {
  shown = finding;
  document.body.dataset.finding = finding ? String(findings.indexOf(finding)) : '';
  $('finding').hidden = !finding;
  $('finding').replaceChildren();
  if (finding) {
    const letGo = document.createElement('button');
    letGo.type = 'button';
    letGo.textContent = '×';
    letGo.title = 'Let go of this finding';
    letGo.addEventListener('click', () => show(null));
    $('finding').append(`${finding.summary} `, letGo);
  }
  for (const el of $('cards').children)
    el.classList.toggle('chosen', Number(el.dataset.index) === findings.indexOf(finding));
  markLit();
  requestDraw();
}

/* The timeline at finding index: its moment, its lanes lit and scrolled to. */
function choose(index) {
  const finding = findings[index];
  if (finding === shown) {
    show(null);
    return;
  }
  $('tab-timeline').click();
  show(finding);
  if (finding.begin_ns !== null) {
    const pad = Math.max((finding.end_ns - finding.begin_ns) / 2, MIN_PAD);
    setView(finding.begin_ns - pad, finding.end_ns + pad);
  }
  const first = model.lanes.find(lit);
  if (first) first.el.scrollIntoView({ block: 'nearest' });
}

function laneMiddle(kind, id) {
  const lane = kind === 'thread' ? model.threadLanes.get(id)
    : model.lanes.find((l) => l.kind === kind && l.id === id);
  return lane && laneY(lane) + lane.height / 2;
}

/* Thread -> object -> holder, at the wait's start (the holder's arrow a
 * few px on, so that the two read as a path). */
function drawEdge(edge) {
  const from = laneMiddle('thread', edge.thread_id);
  const via = laneMiddle('object', edge.object_id);
  const to = laneMiddle('thread', edge.holder_id);
  if (edge.ts === undefined || from === undefined || via === undefined || to === undefined)
    return;
  const x = xOf(edge.ts);
  strokeArrow(x, from, x + 6, via, 8);
  strokeArrow(x + 6, via, x + 12, to, 8);
}

/* The canvas's part (draw.js's overlay): a band across each lit lane,
 * then the edges. */
function drawShown() {
  if (!shown) return;
  ctx.globalAlpha = 0.12;
  ctx.fillStyle = colours.alarm;
  for (const lane of visibleLanes().filter(lit))
    ctx.fillRect(0, laneY(lane), plot.width, lane.height);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = colours.alarm;
  ctx.fillStyle = colours.alarm;
  ctx.lineWidth = 2;
  ctx.setLineDash([5, 3]);
  for (const edge of shown.edges) drawEdge(edge);
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
}

/* From the start (not at import: draw.js's modules import this one's). */
export function listenCards() {
  addOverlay(drawShown);
}
