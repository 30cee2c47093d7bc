/*
 * keyhelp.js - the keyboard's help: `?` opens an overlay (`#keyhelp`)
 * listing every shortcut of the page, `?` again, Escape or a click on it
 * closes it. Each row's `data-keys` holds the keys it describes as
 * KeyboardEvent.key names, space-separated, so that a test can check that
 * every key input.js acts on is listed. Not while typing in a field.
 */
const $ = (id) => document.getElementById(id);

const SHORTCUTS = [
  ['+ = w', '+ = w', 'zoom in'],
  ['- _ s', '− s', 'zoom out'],
  ['a ArrowLeft', '← a', 'pan back in time'],
  ['d ArrowRight', '→ d', 'pan forward in time'],
  ['0 Home', '0 Home', 'the whole trace'],
  ['End', 'End', "the trace's end (a live trace: follow it)"],
  ['ArrowUp ArrowDown', '↑ ↓', 'scroll the lanes'],
  ['Escape', 'Esc', 'let go of the object followed; close this help'],
  ['?', '?', 'this help'],
  ['', 'wheel', 'zoom around the pointer (with Shift, or sideways: pan)'],
  ['', 'drag', 'pan'],
  ['', 'Shift+drag, or drag the axis', 'zoom to the range dragged'],
  ['', 'click a heading', 'fold or unfold its lanes (a host, a process, the objects)'],
  ['', 'click', 'follow the object under the pointer, mark its moment in the Log, pin its tooltip (for its links)'],
  ['', 'Enter (search box)', 'the next thread, object or log line matching'],
  ['', 'Alt+← Alt+→', 'the previous or next view (the URL holds the view)'],
];

function build() {
  const rows = SHORTCUTS.map(([keys, shown, what]) => {
    const tr = document.createElement('tr');
    tr.dataset.keys = keys;
    const key = document.createElement('th');
    key.textContent = shown;
    const text = document.createElement('td');
    text.textContent = what;
    tr.append(key, text);
    return tr;
  });
  $('keyhelp-table').replaceChildren(...rows);
}

function typing(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLSelectElement;
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const open = !$('keyhelp').hidden;
  if (event.key === '?' || (open && event.key === 'Escape')) {
    event.preventDefault();
    $('keyhelp').hidden = open;
  }
}

export function listenKeyHelp() {
  build();
  window.addEventListener('keydown', onKey);
  $('keyhelp').addEventListener('click', () => {
    $('keyhelp').hidden = true;
  });
}
