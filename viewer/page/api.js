/*
 * api.js - the JSON API of `thrace serve` (viewer/API.md), and the page's
 * times.
 *
 * The API gives nanoseconds since the Unix epoch, which a JavaScript number
 * cannot hold exactly (2^53 ns is 104 days). Answers are parsed with the
 * raw text of each time field and turned into numbers relative to the
 * trace's begin (`base`, a BigInt, set once from /api/trace): every time in
 * the page is such a number, exact to the nanosecond, and absolute() adds
 * `base` back for a request.
 */

const TIME_KEYS = new Set(['begin_ns', 'end_ns', 'ts', 'from_ts', 'to_ts', 't0', 't1']);

let base = null; // until set, time fields are parsed as BigInt

/* What went wrong with a request, as the page tells it. */
export class ApiError extends Error {}

export function setBase(begin) {
  base = begin;
}

/* The absolute time, as the API wants it, of a page time. */
export function absolute(t) {
  return (base + BigInt(Math.round(t))).toString();
}

/* JSON.parse's reviver: time fields from their exact text. */
function reviveTime(key, value, context) {
  if (typeof value !== 'number' || !TIME_KEYS.has(key))
    return value;
  const source = context && context.source;
  const exact = /^-?\d+$/.test(source || '') ? BigInt(source) : BigInt(Math.round(value));
  return base === null ? exact : Number(exact - base);
}

/* GET path?params, parsed; rejects with an ApiError saying what went wrong. */
export async function api(path, params) {
  const query = params ? `?${new URLSearchParams(params)}` : '';
  let response;
  let text;
  try {
    response = await fetch(path + query, { headers: { Accept: 'application/json' } });
    text = await response.text();
  } catch (e) {
    throw new ApiError(`GET ${path}: the server does not answer`);
  }
  let body = null;
  try {
    body = JSON.parse(text, reviveTime);
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
