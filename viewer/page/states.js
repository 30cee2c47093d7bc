/*
 * states.js - what a thread can be doing, how each state is named and
 * coloured, and the legend. The colours are app.css's custom properties
 * (the legend's swatches use them too), read once at start.
 */

export const STATES = ['running', 'waiting', 'holding', 'sleeping', 'joining', 'barrier',
  'condition', 'event'];

export const STATE_TEXT = {
  running: 'running', waiting: 'waiting for a lock', holding: 'holding a lock',
  sleeping: 'sleeping', joining: 'joining a thread', barrier: 'at a barrier',
  condition: 'waiting on a condition', event: 'waiting for an event',
};

export const WAKEUP_TEXT = {
  release: 'a release hands the lock over', notify: 'a notify wakes a condition wait',
  set: 'a set wakes an event wait', exit: 'an exit ends a join',
  barrier: 'the last arrival releases the barrier',
};

/* State colours by name, and the page's inks: mark, touched, rule, ink, muted, panel. */
export const colours = {};

export function readColours() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  for (const state of STATES)
    colours[state] = read(`--state-${state}`);
  colours.mark = read('--log-mark');
  colours.touched = read('--touched');
  colours.rule = read('--rule');
  colours.ink = read('--ink');
  colours.muted = read('--muted');
  colours.panel = read('--panel');
}

export function buildLegend(legend) {
  const entry = (cls, text) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${cls}`;
    li.append(swatch, text);
    legend.append(li);
  };
  for (const state of STATES)
    entry(state, STATE_TEXT[state]);
  entry('log', 'log line');
  entry('wakeup', 'wake-up');
}
