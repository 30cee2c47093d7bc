"""`thrace serve` as a command: the line it prints, its stop on SIGTERM or
SIGINT (exit 0), its one-line errors (exit 1) for a file that is no thrace
database (left untouched), a bad address, a port in use; usage errors
(exit 2); and the page it serves from its own memory, byte for byte the
files of viewer/page (index.html with its modules' preload links written
in), with ETags and a strict Content-Security-Policy.

Usage: test_serve.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
"""
import hashlib
import os
import signal
import socket
import sqlite3
import unittest

from thrace_testing.viewer import LINE, WORKDIR, Server, scenario, thrace

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "viewer", "page")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


# index.html's line that the build replaces by the modules' preload links.
MARKER = b"  <!-- modulepreload: every module of the page, written in at build time -->\n"


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def built(name, source):
    """A page file as the build embeds it: index.html with a modulepreload
    link for each module of the page but app.js (and the vocabulary's,
    made at build time) in place of its marker line."""
    if name != "index.html":
        return source
    links = "".join(f'  <link rel="modulepreload" href="/{m}">\n' for m in preloaded())
    return source.replace(MARKER, links.encode())


def preloaded():
    """The modules index.html preloads, in its order."""
    return sorted(m for m in os.listdir(PAGE) if m.endswith(".js") and m != "app.js") + [
        "vocabulary.js"]


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Serve(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = scenario("lock_handoff")

    def one_line_error(self, args, start):
        done = thrace("serve", *args)
        self.assertEqual((1, ""), (done.returncode, done.stdout), done.stderr)
        self.assertEqual(1, len(done.stderr.splitlines()), done.stderr)
        self.assertTrue(done.stderr.startswith(start), done.stderr)
        return done.stderr

    def test_it_prints_its_address_and_stops_on_sigterm_or_sigint(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            server = Server(self.db)
            self.assertRegex(server.line, LINE)
            self.assertEqual("127.0.0.1", server.host)
            self.assertNotEqual(0, server.port)
            self.assertEqual(200, server.request("/api/trace")[0])
            self.assertEqual(0, server.stop(sig))
            self.assertEqual(("", ""), (server.process.stdout.closed and "",
                                        server.process.stderr.closed and ""))

    def test_the_database_is_only_read(self):
        before = digest(self.db)
        server = Server(self.db)
        for path in ("/api/trace", "/api/stats", "/api/log?t0=1&t1=4611686018427387904&all=1"):
            self.assertEqual(200, server.request(path)[0])
        self.assertEqual(0, server.stop())
        self.assertEqual(before, digest(self.db))

    def test_a_file_that_is_no_thrace_database_is_a_one_line_error(self):
        text = os.path.join(WORKDIR.name, "notes.txt")
        with open(text, "w") as f:
            f.write("not a database\n" * 100)
        other = os.path.join(WORKDIR.name, "other.db")
        with sqlite3.connect(other) as db:
            db.execute("CREATE TABLE IF NOT EXISTS t (x)")
        for path in (text, other):
            before = digest(path)
            self.one_line_error([path, "--port", "0"], f"thrace serve: {path}: ")
            self.assertEqual(before, digest(path))
        missing = os.path.join(WORKDIR.name, "missing.db")
        self.one_line_error([missing, "--port", "0"], f"thrace serve: {missing}: ")
        self.assertFalse(os.path.exists(missing))

    def test_a_bad_address_or_a_port_in_use_is_a_one_line_error(self):
        for bad in ("nowhere", "256.0.0.1", "127.0.0.1:80", "::g", ""):
            self.one_line_error([self.db, "--bind", bad], "thrace serve: ")
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            error = self.one_line_error([self.db, "--port", str(port)],
                                        f"thrace serve: 127.0.0.1:{port}: ")
            self.assertIn("in use", error)

    @unittest.skipUnless(has_ipv6_loopback(), "no IPv6 loopback here")
    def test_an_ipv6_address_is_served_in_brackets(self):
        server = Server(self.db, "--bind", "::1")
        try:
            self.assertRegex(server.url, r"^http://\[::1\]:\d+/$")
            self.assertEqual(200, server.request("/api/trace")[0])
        finally:
            self.assertEqual(0, server.stop())

    def test_bad_usage_exits_2_and_help_exits_0(self):
        for args in ([], ["--port", "abc", self.db], ["--port", "65536", self.db],
                     ["--port", "-1", self.db], ["--bogus", self.db], [self.db, self.db],
                     ["--port"]):
            done = thrace("serve", *args)
            self.assertEqual(2, done.returncode, args)
            self.assertTrue(done.stderr.startswith("thrace serve: "), done.stderr)
        done = thrace("serve", "--help")
        self.assertEqual(0, done.returncode)
        self.assertIn("usage: thrace serve FILE.db [--port N] [--bind ADDR]", done.stdout)
        self.assertIn("serve", thrace("--help").stdout)


class Page(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(scenario("lock_handoff"))

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def test_every_file_of_the_page_is_served_as_built(self):
        files = sorted(os.listdir(PAGE))
        self.assertIn("index.html", files)
        for name in files:
            status, headers, body = self.server.request("/" + name)
            with open(os.path.join(PAGE, name), "rb") as f:
                self.assertEqual((200, built(name, f.read())), (status, body), name)
            kind = {"html": "text/html", "js": "text/javascript", "css": "text/css"}
            self.assertEqual(f"{kind[name.rsplit('.', 1)[1]]}; charset=utf-8",
                             headers["Content-Type"])
        self.assertEqual(self.server.request("/index.html")[2], self.server.request("/")[2])
        for module in preloaded():  # each one there to fetch
            self.assertEqual(200, self.server.request("/" + module)[0], module)

    def test_the_page_is_revalidated_with_its_etag(self):
        status, headers, body = self.server.request("/")
        etag = headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        status, headers, body = self.server.request("/", headers={"If-None-Match": etag})
        self.assertEqual((304, b"", etag), (status, body, headers["ETag"]))
        status, _, body = self.server.request("/", headers={"If-None-Match": '"0000000000000000"'})
        self.assertEqual(200, status)
        self.assertNotEqual(etag, self.server.request("/app.js")[1]["ETag"])

    def test_every_answer_carries_the_security_headers(self):
        for path in ("/", "/app.js", "/api/trace", "/api/window", "/nowhere"):
            _, headers, _ = self.server.request(path)
            self.assertEqual(CSP, headers["Content-Security-Policy"], path)
            self.assertEqual("nosniff", headers["X-Content-Type-Options"], path)
        self.assertEqual("no-store", self.server.request("/api/trace")[1]["Cache-Control"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
