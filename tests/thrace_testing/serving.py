"""A real `thrace serve` on loopback: started with --port 0, its address
read from the line it prints, queried over real HTTP, stopped with SIGTERM
(killed at exit if a failed test left it running)."""
import atexit
import http.client
import json
import re
import select
import signal
import socket
import subprocess
import sys
from urllib.parse import urlencode

LINE = re.compile(r"^thrace serve: (http://(\S+):(\d+)/) \(Ctrl-C to stop\)\n$")
STARTED = []  # every server started, killed at exit if a failed test left it running


@atexit.register
def _kill_leftovers():
    for process in STARTED:
        if process.poll() is None:
            process.kill()
            process.wait()


class Server:
    """`THRACE serve DB ARGS`, up once it has printed its address."""

    def __init__(self, thrace, db, *args):
        self.process = subprocess.Popen([thrace, "serve", db, "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        STARTED.append(self.process)
        ready = select.select([self.process.stdout], [], [], 30)[0]
        self.line = self.process.stdout.readline() if ready else ""
        found = LINE.match(self.line)
        if not found:
            self.process.kill()
            raise AssertionError(f"thrace serve printed {self.line!r}: {self.process.stderr.read()}")
        self.url, self.port = found.group(1), int(found.group(3))
        self.host = found.group(2).strip("[]")  # an IPv6 address is bracketed in URLs

    def request(self, path, params=None, method="GET", headers=None):
        """(status, headers as a dict, body bytes) of one request on a new connection."""
        query = "?" + urlencode(params) if params else ""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path + query, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path, params=None):
        """(status, parsed JSON body) of GET path?params."""
        status, headers, body = self.request(path, params)
        assert headers["Content-Type"] == "application/json; charset=utf-8", headers
        return status, json.loads(body)

    def ok(self, path, params=None):
        status, body = self.get(path, params)
        assert status == 200, (path, params, status, body)
        return body

    def raw(self, data, timeout=10):
        """Sends bytes over a fresh socket; whatever comes back until the server closes."""
        chunks = []
        with socket.create_connection((self.host, self.port), timeout=timeout) as s:
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError:  # refused before the end of it, and closed: an answer too
                pass
            try:
                while chunk := s.recv(65536):
                    chunks.append(chunk)
            except ConnectionResetError:
                pass
        return b"".join(chunks)

    def stop(self, sig=signal.SIGTERM):
        """Stops it with sig; its exit status (what it said on stderr, if not 0)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            status = self.process.wait(timeout=30)
            if status != 0:
                sys.stderr.write(f"thrace serve exited with {status}: {self.process.stderr.read()}")
            return status
        finally:
            self.process.stdout.close()
            self.process.stderr.close()
