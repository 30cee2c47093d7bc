#!/usr/bin/env python3
"""page_speed.py THRACE DB [RUNS] - how soon the page is of use on a
stored trace: `thrace serve DB` on loopback, the page opened in headless
Chromium (tests/thrace_testing/chromium.py) RUNS times (default 5), and per
load the time from navigation to the first window drawn (the body's
data-state 'ready') and to the Deadlocks tab filled (#deadlocks-text's
data-state 'ready'), read from the page's own clock (performance.now()).
Prints medians and bests; a benchmark, never a test. Use /usr/bin/python3.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from thrace_testing.chromium import Chromium  # noqa: E402
from thrace_testing.page import start_server, stop  # noqa: E402

MARKS = {
    "first window drawn": "document.body?.dataset.state === 'ready'",
    "deadlocks tab filled": "document.getElementById('deadlocks-text')?.dataset.state === 'ready'",
}


def one_load(browser, url):
    browser.call("Page.navigate", {"url": url})
    got = {}
    for name, ready in MARKS.items():
        got[name] = browser.poll(f"({ready}) && performance.now()", timeout=120, interval=0.005)
    return got


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[0])
    thrace, db = sys.argv[1:3]
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 5
    errors = db + ".serve.err"
    server, url = start_server(thrace, db, errors)
    browser = Chromium()
    try:
        browser.attach_page()
        browser.call("Page.enable")
        browser.call("Network.setCacheDisabled", {"cacheDisabled": True})
        loads = [one_load(browser, url) for _ in range(runs)]
    finally:
        browser.close()
        stop(server)
        os.remove(errors)
    print(f"{db}: {runs} loads, ms from navigation (the page's clock)")
    for name in MARKS:
        values = [load[name] for load in loads]
        print(f"  {name:22} median {statistics.median(values):8.1f}   best {min(values):8.1f}")


if __name__ == "__main__":
    main()
