/*
 * blockers.js - who blocked whom, in an interval's tooltip (/api/interval's
 * `holders` and `blocked`): a wait names each holder of its object then,
 * where it acquired and how long it held while the wait lasted; a hold
 * names each waiter it kept waiting and for how long. Each is a link
 * (class "follow", `data-interval` its id) that follows that interval
 * (focus.js); a pinned tooltip (a click) lets the pointer reach them.
 */
import { formatDuration, formatSeconds } from './format.js';
import { focusInterval } from './focus.js';

function link(text, iv, onFollow) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'follow';
  button.dataset.interval = String(iv.id);
  button.textContent = text;
  button.addEventListener('click', () => {
    onFollow();
    focusInterval(iv);
  });
  return button;
}

function holderText(h) {
  const site = h.site ? ` at ${h.site}` : '';
  return `held by ${h.thread} since ${formatSeconds(h.begin_ns)}${site}, `
    + `${formatDuration(h.overlap_ns)} of this wait`;
}

function waiterText(w) {
  const site = w.site ? ` at ${w.site}` : '';
  return `kept ${w.thread} waiting ${formatDuration(w.overlap_ns)}${site}`;
}

/* The links of detail's holders and blocked waiters, with a last line when
 * there were more; onFollow() runs before a link is followed. */
export function blockerLinks(detail, onFollow) {
  const links = [
    ...(detail.holders || []).map((h) => link(holderText(h), h, onFollow)),
    ...(detail.blocked || []).map((w) => link(waiterText(w), w, onFollow)),
  ];
  if (detail.holders_truncated || detail.blocked_truncated) {
    const more = document.createElement('div');
    more.textContent = '… and more (the first 16 shown)';
    links.push(more);
  }
  return links;
}
