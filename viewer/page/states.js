/*
 * states.js - what a thread can be doing, how each state is coloured, and
 * the legend. The colours are app.css's custom properties
 * (the legend's swatches use them too), read once at start.
 */

/* The states and wake-ups are the trace's vocabulary (lib/vocabulary),
 * generated into vocabulary.js at build time. */
import { legendText } from './kinds.js';
import { STATES, STATE_TEXT, WAKEUP_TEXT } from './vocabulary.js';

export { STATES, STATE_TEXT, WAKEUP_TEXT };

/* The states of a hold, drawn below a lane's waits: a lock's (or an
 * rwlock's write hold) and an rwlock's read hold. */
export const HOLDS = new Set(['holding', 'reading']);

/* State colours by name, and the page's inks: mark, alarm, touched, rule, ink, muted, panel. */
export const colours = {};

export function readColours() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  for (const state of STATES)
    colours[state] = read(`--state-${state}`);
  colours.mark = read('--log-mark');
  colours.alarm = read('--alarm');
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
    entry(state, legendText(state));
  entry('value', 'a semaphore: permits in use, waiters');
  entry('mark', 'set, clear, notify');
  entry('set', 'an event while set');
  entry('log', 'log line');
  entry('wakeup', 'wake-up');
  entry('seen', 'a deadlock the program saw');
}
