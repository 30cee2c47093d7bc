/*
 * losses.js - what the traces lost, by cause (API.md's `discarded`,
 * `unread`, `cut_ns`), one sentence each with what to do about it: the
 * banner's and the Stats tab's, as `thrace stats` tells them.
 */

const count = (n) => n.toLocaleString('en-US');

/* The sentences for an answer's losses (cut_ns a page time, or null). */
export function lossSentences({ discarded = 0, unread = 0, cut_ns: cut = null }) {
  const said = [];
  if (discarded > 0)
    said.push(`LTTng discarded ${count(discarded)} events (its ring buffer was full):`
      + ' record with --blocking to lose none.');
  if (unread > 0)
    said.push(`thrace daemon did not read ${count(unread)} events or more (it was down,`
      + " or reattached): the relay daemon's copy has them.");
  if (cut !== null)
    said.push(`The stream was cut at ${(cut / 1e9).toFixed(1)} s (the relay daemon went away,`
      + ' or the session ended while thrace daemon was down): nothing after is known.');
  return said;
}

/* Fills element with the sentences, a paragraph each; hidden when none. */
export function showLosses(element, answer) {
  const paragraphs = lossSentences(answer).map((text) => {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
  });
  element.replaceChildren(...paragraphs);
  element.hidden = paragraphs.length === 0;
}
