/*
 * serial.js - loads that never run twice at once. Asked while it runs, a
 * load runs once more when it is done (however often it was asked), so
 * that the last ask is answered from data at least as new as itself.
 */

/* A function running load() (async, catching its own errors) serially. */
export function serial(load) {
  let busy = false;
  let again = false;
  return async function run() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        await load();
      } while (again);
    } finally {
      busy = false;
    }
  };
}
