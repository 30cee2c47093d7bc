/*
 * api.js - the JSON API of `thrace serve` (viewer/API.md), and the page's
 * times.
 *
 * The API gives nanoseconds since the Unix epoch, which a JavaScript number
 * cannot hold exactly (2^53 ns is 104 days). Answers are parsed with the
 * raw text of each time field turned into numbers relative to the
 * trace's begin (`base`, a BigInt, set from /api/trace): every time in the
 * page is such a number, exact to the nanosecond, and absolute() adds
 * `base` back for a request. /api/trace is read with exact times (BigInt),
 * its begin set as `base`, then turned into page times (pageTimes).
 *
 * Answers are never taken from the browser's cache (the server says
 * no-store too): a live trace's answers change from one request to the next.
 */

const TIME_KEYS = new Set(['begin_ns', 'end_ns', 'cut_ns', 'ts', 'from_ts', 'to_ts', 't0', 't1',
  'activity_begin_ns', 'activity_end_ns']);

let base = null; // until set, time fields are parsed as BigInt

/* What went wrong with a request, as the page tells it. */
export class ApiError extends Error {}

export function setBase(begin) {
  base = begin;
}

export function getBase() {
  return base;
}

/* The absolute time, as the API wants it, of a page time. */
export function absolute(t) {
  return (base + BigInt(Math.round(t))).toString();
}

/* JSON.parse's reviver: time fields from their exact text, as BigInt. */
function exactTimes(key, value, context) {
  if (typeof value !== 'number' || !TIME_KEYS.has(key))
    return value;
  const source = context && context.source;
  return /^-?\d+$/.test(source || '') ? BigInt(source) : BigInt(Math.round(value));
}

// A time field of an answer's text and its number.
const TIME_FIELD = new RegExp(`"(${[...TIME_KEYS].join('|')})"(\\s*:\\s*)(-?\\d[\\d.eE+-]*)`, 'g');

/* The page time of a time field's number (its text). */
function pageTime(source) {
  const ns = /^-?\d+$/.test(source) ? BigInt(source) : BigInt(Math.round(Number(source)));
  return Number(ns - base);
}

/* An answer's text with its time fields made page times, parsed. Done on
 * the text, not by a reviver: JSON.parse calls a reviver for every value,
 * which made a window of 20 000 buckets (800 kB) take 70 ms to parse
 * instead of 3 ms. A field's name followed by a colon occurs in JSON's
 * text only as that name: a quote inside a string is escaped. */
export function parsePageTimes(text) {
  return JSON.parse(text.replace(TIME_FIELD,
    (field, key, colon, number) => `"${key}"${colon}${pageTime(number)}`));
}

/* An answer read with exact times, its times made page times (in place). */
export function pageTimes(value) {
  if (value === null || typeof value !== 'object')
    return value;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'bigint' && TIME_KEYS.has(key))
      value[key] = Number(item - base);
    else
      pageTimes(item);
  }
  return value;
}

/* GET path?params, parsed, with exact times (BigInt) if exact or while
 * there is no base; rejects with an ApiError saying what went wrong. */
export async function api(path, params, exact = false) {
  const query = params ? `?${new URLSearchParams(params)}` : '';
  let response;
  let text;
  try {
    response = await fetch(path + query,
      { headers: { Accept: 'application/json' }, cache: 'no-store' });
    text = await response.text();
  } catch (e) {
    throw new ApiError(`GET ${path}: the server does not answer`);
  }
  let body = null;
  try {
    body = exact || base === null ? JSON.parse(text, exactTimes) : parsePageTimes(text);
  } catch (e) {
    body = null; // told below, with the status
  }
  if (!response.ok) {
    const why = body && body.error ? body.error : response.statusText;
    throw new ApiError(`GET ${path}: ${response.status} ${why}`);
  }
  if (body === null || typeof body !== 'object')
    throw new ApiError(`GET ${path}: the answer is not JSON`);
  return body;
}
