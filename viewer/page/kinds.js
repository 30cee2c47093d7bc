/*
 * kinds.js - the objects' kinds as the page words them: a lane label's
 * short note (so that the name keeps the room: "Semaphore-1" is never cut
 * to "Semapho…"), the legend's text for each state, which says the kinds
 * it belongs to (a semaphore's wait is not a lock's), and what a thread is
 * doing to an object of a kind, for the tooltips' titles.
 */
import { STATE_TEXT } from './vocabulary.js';

/* The note beside an object's name on its lane label; the kind is said
 * whole in the label's tooltip. */
const SHORT = {
  lock: 'lock', rlock: 'rlock', condition: 'cond', semaphore: 'sem',
  bounded_semaphore: 'bsem', event: 'event', barrier: 'barrier', rwlock: 'rwlock',
};

/* A kind as a sentence names it: "bounded semaphore". */
export function kindWords(kind) {
  return String(kind).replace(/_/g, ' ');
}

export function shortKind(kind) {
  return SHORT[kind] || kindWords(kind);
}

/* The legend's text: each state with the kinds of object it belongs to. */
const LEGEND = {
  waiting: 'waiting to acquire (lock, rlock, semaphore, rwlock to write)',
  holding: 'holding (lock, rlock, semaphore permit, rwlock to write)',
  waiting_read: 'waiting to read (rwlock)',
  reading: 'holding a read lock (rwlock)',
  joining: 'joining a thread',
  barrier: 'waiting at a barrier',
  condition: 'waiting on a condition',
  event: 'waiting for an event to be set',
};

export function legendText(state) {
  return LEGEND[state] || STATE_TEXT[state] || state;
}

/* What a thread in state does to an object of kind, before the object's
 * name: "waiting for semaphore", "holding a permit of". */
export function doingTo(state, kind) {
  const semaphore = kind === 'semaphore' || kind === 'bounded_semaphore';
  switch (state) {
    case 'waiting': return `waiting for ${kindWords(kind)}`;
    case 'holding': return semaphore ? 'holding a permit of' : `holding ${kindWords(kind)}`;
    case 'waiting_read': return 'waiting to read';
    case 'reading': return 'holding a read lock';
    case 'barrier': return 'waiting at barrier';
    case 'condition': return 'waiting on condition';
    case 'event': return 'waiting for event';
    default: return STATE_TEXT[state] || state;
  }
}
