/*
 * barrierlane.js - a barrier's rounds on its lane: a dot where each thread
 * arrived, numbered in the order they arrived in their round, and a bar
 * where the round released them all (its parties). A round is the waits
 * that ended well and began before the first of them ended (the last
 * arrival's wait ends as it begins, and releases the others); a wait
 * shorter than a pixel is in a bucket, not numbered (the last arrival's,
 * zoomed out: it lies at the bar). The label carries the arrivals
 * numbered in each round, `data-rounds="2 3"`, for the tests.
 */
import { ctx, xOf } from './plot.js';
import { colours } from './states.js';
import { LANE } from './trace.js';

/* The rounds of the waits in the window: [{release, arrivals}], arrivals by begin. */
export function barrierRounds(waits) {
  const ended = waits.filter((iv) => iv.state === 'barrier' && iv.outcome === 'ok')
    .sort((a, b) => a.end_ns - b.end_ns);
  const rounds = [];
  for (const iv of ended) {
    const round = rounds[rounds.length - 1];
    if (round && iv.begin_ns <= round.release) round.arrivals.push(iv);
    else rounds.push({ release: iv.end_ns, arrivals: [iv] });
  }
  for (const round of rounds) round.arrivals.sort((a, b) => a.begin_ns - b.begin_ns);
  return rounds;
}

export function drawBarrierRounds(lane, loaded, y, dim) {
  const [top, bottom] = LANE.object.top;
  const middle = y + (top + bottom) / 2;
  const waits = loaded.top.items.map(({ iv }) => iv);
  ctx.globalAlpha = dim;
  ctx.fillStyle = colours.ink;
  for (const iv of waits.filter((w) => w.state === 'barrier')) {
    ctx.beginPath();
    ctx.arc(xOf(iv.begin_ns), middle, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  const rounds = barrierRounds(waits);
  for (const round of rounds) {
    round.arrivals.forEach((iv, i) => ctx.fillText(String(i + 1), xOf(iv.begin_ns) + 4, y + bottom + 5));
    const x = Math.round(xOf(round.release));
    ctx.fillStyle = colours.barrier;
    ctx.fillRect(x - 1, y + 1, 2, LANE.object.height - 2);
    if (lane.item.param) ctx.fillText(`${lane.item.param} released`, x + 4, y + top + 3);
    ctx.fillStyle = colours.ink;
  }
  lane.el.dataset.rounds = rounds.map((r) => r.arrivals.length).join(' ');
}
