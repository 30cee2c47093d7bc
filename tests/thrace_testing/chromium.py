"""Headless Chromium driven over the Chrome DevTools Protocol, for the page
tests: Debian's `chromium` started with `--remote-debugging-pipe`, which
reads NUL-terminated JSON commands on its fd 3 and writes its answers and
events on its fd 4. One page target, attached in flat mode (every message
to it carries its sessionId).

Single-threaded: call() reads until its answer arrives and keeps the events
read meanwhile; wait_for() reads events until a predicate accepts one. The
browser's profile lives in a temporary directory; close() kills the browser
(by its pid) and removes it, whatever state it is in.
"""
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time


class ProtocolError(Exception):
    pass


def is_problem(event):
    """A console error or warning, or an exception the page did not catch
    (the events of the Runtime and Log domains)."""
    method, params = event["method"], event.get("params", {})
    if method == "Runtime.exceptionThrown":
        return True
    if method == "Runtime.consoleAPICalled":
        return params.get("type") in ("error", "warning", "assert")
    if method == "Log.entryAdded":
        return params["entry"].get("level") in ("error", "warning")
    return False


def _above_9(fd):
    """fd moved to a descriptor above 9 (close-on-exec, as os.pipe's are)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    def __init__(self, width=1280, height=800, binary="chromium"):
        self.profile = tempfile.mkdtemp(prefix="thrace-chromium-")
        self.events = []
        self._next_id = 0
        self._buffer = b""
        self.proc = None
        self.session = None
        # The browser's ends sit above 9 so that the two dup2 calls below
        # cannot overwrite one another.
        to_browser_r, self._to_browser = (_above_9(fd) for fd in os.pipe())
        self._from_browser, from_browser_w = (_above_9(fd) for fd in os.pipe())

        def child_fds():
            # The protocol's fixed descriptors: the browser reads 3, writes 4.
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        args = [binary, "--headless=new", "--remote-debugging-pipe", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--mute-audio", "--hide-scrollbars",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            self.proc = subprocess.Popen(args + ["about:blank"], preexec_fn=child_fds,
                                         pass_fds=(3, 4), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)

    def close(self):
        """Kills the browser's process group (it was started in its own
        session, so its helpers go with it) and removes its profile."""
        try:
            if self.proc and self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            if self.proc:
                self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        finally:
            for fd in (self._to_browser, self._from_browser):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def _send(self, message):
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]

    def _read(self, deadline):
        """One message from the browser, or None when the deadline passes."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ProtocolError("chromium closed the protocol pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, timeout=20, browser=False):
        """Sends a command (to the page's session unless browser) and returns
        its result; an error answer raises ProtocolError."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply is None:
                raise ProtocolError(f"{method}: no answer in {timeout} s")
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, predicate, timeout=20):
        """The first event, kept or new, that predicate accepts (it is
        taken out of self.events); None after timeout."""
        for i, event in enumerate(self.events):
            if predicate(event):
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            event = self._read(deadline)
            if event is None:
                return None
            if "method" not in event:
                continue
            if predicate(event):
                return event
            self.events.append(event)

    def attach_page(self):
        """Attaches to the browser's first page target in flat mode."""
        targets = self.call("Target.getTargets", browser=True)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True},
                                 browser=True)["sessionId"]

    def evaluate(self, expression, timeout=20):
        """The value of a JavaScript expression in the page (awaited when a
        promise); an exception in it raises ProtocolError."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in result:
            raise ProtocolError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def poll(self, expression, timeout=10, interval=0.05):
        """Evaluates expression until it is truthy; its value, or the last
        falsy one after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(interval)

    def mouse(self, kind, x, y, button="none", clicks=0):
        self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": button,
                                               "clickCount": clicks})

    def click(self, x, y):
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, "left", 1)
        self.mouse("mouseReleased", x, y, "left", 1)

    def key(self, key, code, key_code, text=None):
        """Presses and releases one key, as a keyboard would."""
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code,
                "windowsVirtualKeyCode": key_code}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": key_code})
