/*
 * format.js - times and durations as the page writes them. Page times are
 * nanoseconds since the trace's begin (see api.js).
 */

export function formatDuration(ns) {
  if (ns < 1e3) return `${ns} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/* Seconds since the trace's begin, to the nanosecond. */
export function formatSeconds(t) {
  const sign = t < 0 ? '-' : '';
  const ns = Math.abs(Math.round(t));
  return `${sign}${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')} s`;
}

/* A tick label, in the unit of the view's far end, with as many decimals
 * as the tick step needs: 117.905 ms, not 117905 µs. */
export function formatTick(t, step, far) {
  const units = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
  const [size, name] = units.find(([s]) => far >= s) || units[3];
  const decimals = Math.max(0, Math.ceil(Math.log10(size / step) - 1e-9));
  return `${(t / size).toFixed(decimals)} ${name}`;
}
