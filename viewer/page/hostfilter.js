/*
 * hostfilter.js - the header's host filter (`#host-filter`, a select
 * `#host`): shown when the traces come from more than one host, it keeps
 * the timeline to one host's lanes ("all hosts" by default). The choice
 * is trace.js's model.host (null: all), which buildLanes reads; a change
 * goes to the listener (app.js builds the lanes again). Filled again when
 * the hosts change (a live daemon's database gets new ones); a host that
 * goes is let go.
 */
import { hostName, model } from './trace.js';

const $ = (id) => document.getElementById(id);
const ALL = ''; // the option of every host
let shown = '';

/* The traces' hostnames in the select, when there are several; the
 * choice kept while its host is still there. */
export function showHosts(trace) {
  const hosts = [...new Set(trace.traces.map((t) => hostName(t.hostname)))].sort();
  const key = JSON.stringify(hosts);
  if (key === shown) return;
  shown = key;
  const select = $('host');
  const options = [new Option('all hosts', ALL), ...hosts.map((h) => new Option(h, h))];
  select.replaceChildren(...options);
  if (!hosts.includes(model.host)) model.host = null;
  select.value = model.host ?? ALL;
  $('host-filter').hidden = hosts.length < 2;
}

/* listener() once the user chose another host (model.host set). */
export function listenHostFilter(listener) {
  $('host').addEventListener('change', () => {
    model.host = $('host').value === ALL ? null : $('host').value;
    listener();
  });
}
