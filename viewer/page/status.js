/*
 * status.js - the footer: where the view is, and what went wrong. Errors of
 * the API are shown there and nowhere else; any other error is a bug of the
 * page, and goes to the console too (the browser tests fail on it).
 */
import { ApiError } from './api.js';

const $ = (id) => document.getElementById(id);

export function showError(error) {
  $('error').textContent = error instanceof ApiError ? error.message : `page error: ${error.message}`;
  $('error').hidden = false;
  if (!(error instanceof ApiError))
    console.error(error);
}

export function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

export function showStatus(text) {
  $('status').textContent = text;
}
