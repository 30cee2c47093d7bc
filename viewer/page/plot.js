/*
 * plot.js - the canvas's geometry: its size in CSS pixels (drawn at the
 * device's pixel ratio), where a time falls across it, and which lanes the
 * scroll container shows. The canvas sits in a sticky box as tall as the
 * scroll container, so it stays in view while the lane labels scroll.
 */
import { AXIS, laneAt, model } from './trace.js';
import { view } from './view.js';

const $ = (id) => document.getElementById(id);

export const canvas = $('canvas');
export const ctx = canvas.getContext('2d');
export const plot = { width: 0, height: 0 };

/* Fits the canvas to its box; true when its width changed (the window
 * must then be asked for again, at the new width). */
export function resize() {
  const width = Math.floor($('plot').clientWidth);
  const height = $('timeline').clientHeight;
  if (width <= 0 || height <= 0)
    return false; // hidden, in another tab
  $('axis-spacer').style.height = `${AXIS}px`;
  $('plot').style.height = `${height}px`;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const changed = width !== plot.width;
  plot.width = width;
  plot.height = height;
  return changed;
}

export function xOf(t) {
  return ((t - view.t0) / (view.t1 - view.t0)) * plot.width;
}

export function tOf(x) {
  return view.t0 + (x / plot.width) * (view.t1 - view.t0);
}

function scrollTop() {
  return $('timeline').scrollTop;
}

/* The canvas y of a lane's top. */
export function laneY(lane) {
  return AXIS + lane.top - scrollTop();
}

/* The lanes the scroll container shows, in order. */
export function visibleLanes() {
  const top = scrollTop();
  const bottom = top + plot.height - AXIS;
  return model.lanes.filter((l) => l.top < bottom && l.top + l.height > top);
}

/* The lane at canvas y, or undefined (the axis, or below the lanes). */
export function laneAtY(y) {
  return y < AXIS ? undefined : laneAt(y - AXIS + scrollTop());
}
