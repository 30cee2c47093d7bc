/*
 * boxzoom.js - zooming to a stretch of time dragged with the mouse: a drag
 * on the time axis, or a drag with Shift anywhere on the canvas, draws a
 * box over the stretch and zooms the view to it on release (a drag of
 * MIN_DRAG px or less is a click: it lets go of the object followed and
 * of the moment marked, as a click over empty space does). It listens on the canvas's box
 * (#plot) in the capture phase, so that input.js's pan never sees the
 * drags it takes; the box is a div over the canvas (`#zoombox`).
 */
import { setMoment } from './moment.js';
import { canvas, plot, tOf } from './plot.js';
import { select } from './selection.js';
import { hideTooltip } from './tooltip.js';
import { AXIS } from './trace.js';
import { setView } from './view.js';

const $ = (id) => document.getElementById(id);
const MIN_DRAG = 3; // px
let drag = null;    // {from: x, to: x} in canvas px while dragging

function canvasX(event) {
  const x = event.clientX - canvas.getBoundingClientRect().left;
  return Math.min(Math.max(x, 0), plot.width);
}

function showBox() {
  const box = $('zoombox');
  box.hidden = !drag;
  if (!drag) return;
  box.style.left = `${Math.min(drag.from, drag.to)}px`;
  box.style.width = `${Math.abs(drag.to - drag.from)}px`;
}

function onPointerDown(event) {
  const y = event.clientY - canvas.getBoundingClientRect().top;
  if (event.button !== 0 || !(event.shiftKey || y < AXIS)) return;
  event.stopPropagation();
  event.preventDefault();
  drag = { from: canvasX(event), to: canvasX(event) };
  $('plot').setPointerCapture(event.pointerId);
  hideTooltip();
  showBox();
}

function onPointerMove(event) {
  if (!drag) return;
  event.stopPropagation();
  drag.to = canvasX(event);
  showBox();
}

function onPointerUp(event) {
  if (!drag) return;
  event.stopPropagation();
  const [x0, x1] = [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)];
  drag = null;
  showBox();
  if (x1 - x0 > MIN_DRAG) {
    setView(tOf(x0), tOf(x1));
  } else { // a click there lies over empty space: it lets go, as input.js's
    select(null);
    setMoment(null, 'timeline');
  }
}

export function listenBoxZoom() {
  const box = document.createElement('div');
  box.id = 'zoombox';
  box.hidden = true;
  $('plot').append(box);
  $('plot').addEventListener('pointerdown', onPointerDown, true);
  $('plot').addEventListener('pointermove', onPointerMove, true);
  $('plot').addEventListener('pointerup', onPointerUp, true);
  $('plot').addEventListener('pointercancel', () => {
    drag = null;
    showBox();
  }, true);
}
