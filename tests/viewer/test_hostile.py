"""Bad and hostile requests to `thrace serve`: every parameter validated
(400 with {"error": "<param>: <reason>"}), ids that name nothing (404),
other methods (405), foreign Host names (403), garbage over a raw socket
(a 4xx or a closed connection), a second Host header or more than 16
query arguments (400, however many: never a closed connection), clients
trickling their headers (held for 10 s at most, 64 per address, never
denying others). Never a
crash (the server answers afterwards), never the input echoed, never SQL
text, the database intact.

Usage: test_hostile.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
"""
import json
import select
import socket
import sqlite3
import time
import unittest

from thrace_testing.viewer import Server, scenario, whole_trace

MARK = "zq7mark"  # put into requests; must never come back
PER_CLIENT, HEADER_DEADLINE = 64, 10  # viewer/README.md: connections per address, seconds


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = scenario("lock_handoff")
        cls.before = cls.dump()
        cls.server = Server(cls.db)
        cls.t0, cls.t1, cls.threads, cls.objects = whole_trace(cls.server)

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0
        assert cls.dump() == cls.before, "the database changed"

    @classmethod
    def dump(cls):
        with sqlite3.connect(f"file:{cls.db}?mode=ro", uri=True) as db:
            return "\n".join(db.iterdump())

    def tearDown(self):
        # Whatever came before, the server still answers.
        self.assertIsNone(self.server.process.poll())
        self.assertEqual(200, self.server.request("/api/trace")[0])

    def answer(self, target, method="GET", headers=None):
        """(status, error message or None, raw body) of one request, checked for echoes."""
        status, hdrs, body = self.server.request(target, method=method, headers=headers)
        self.assertNotIn(MARK.encode(), body)
        self.assertNotIn(MARK, json.dumps(hdrs))
        if method == "HEAD" or status == 304:
            return status, None, body
        self.assertEqual("application/json; charset=utf-8", hdrs.get("Content-Type"), target)
        self.assertNotIn(b"SELECT", body.upper())
        parsed = json.loads(body)
        if status != 200:
            self.assertEqual(["error"], list(parsed))
            return status, parsed["error"], body
        return status, None, body

    def refused(self, target, status, error, **kwargs):
        got = self.answer(target, **kwargs)
        self.assertEqual((status, error), got[:2], target[:200])

    def window(self, query):
        return f"/api/window?{query}"

    def lanes(self):
        return f"t0={self.t0}&t1={self.t1}&px=100&threads={self.threads[0]}"

    def test_missing_parameters(self):
        self.refused(self.window(f"t1={self.t1}&px=100&threads=1"), 400, "t0: missing")
        self.refused(self.window(f"t0={self.t0}&t1={self.t1}&threads=1"), 400, "px: missing")
        self.refused(self.window(f"t0={self.t0}&t1={self.t1}&px=100"), 400,
                     "threads: no lane asked for (threads or objects)")
        self.refused("/api/interval", 400, "id: missing")
        self.refused("/api/log?t0=1", 400, "t1: missing")
        self.refused(self.window(f"t0=&t1={self.t1}&px=1&threads=1"), 400, "t0: not an integer")
        self.refused(self.window(f"t0&t1={self.t1}&px=1&threads=1"), 400, "t0: not an integer")

    def test_values_that_are_not_plain_decimal_integers(self):
        for value in ["abc", "-5", "+5", "1e9", "0x10", "%205", "5%20", "1.5", MARK, "%EF%BC%91",
                      "1;DROP%20TABLE%20events", "1%20OR%201=1", "1'", "(SELECT%201)"]:
            with self.subTest(value=value):
                self.refused(self.window(f"t0={value}&t1={self.t1}&px=100&threads=1"), 400,
                             "t0: not an integer")
                self.refused(f"/api/event?id={value}", 400, "id: not an integer")
                self.refused(f"/api/log?t0=1&t1=2&limit={value}", 400, "limit: not an integer")

    def test_values_out_of_range(self):
        for value in ["9223372036854775808", "9223372036854775807", "4611686018427387905",
                      "1" * 10000, "18446744073709551617"]:
            self.refused(self.window(f"t0=0&t1={value}&px=100&threads=1"), 400,
                         "t1: out of range")
        for px in ["0", "8193", "4294967297", "99999999999999999999"]:
            self.refused(self.window(f"t0=0&t1=5&px={px}&threads=1"), 400, "px: out of range")
        self.refused("/api/interval?id=0", 400, "id: out of range")
        self.refused("/api/log?t0=1&t1=2&limit=10001", 400, "limit: out of range")
        self.refused("/api/log?t0=1&t1=2&limit=0", 400, "limit: out of range")
        self.refused("/api/log?t0=1&t1=2&all=2", 400, "all: not 0 or 1")
        self.refused("/api/log?t0=1&t1=2&skip=10001", 400, "skip: out of range")
        self.refused("/api/log?t0=1&t1=2&skip=-1", 400, "skip: not an integer")

    def test_a_log_search_is_a_bounded_text_never_sql(self):
        log = f"/api/log?t0={self.t0}&t1={self.t1}"
        self.refused(f"{log}&text=", 400, "text: empty")
        self.refused(f"{log}&text={MARK * 29}", 400, "text: longer than 200 bytes")
        self.refused(f"{log}&text=a&text=b", 400, "text: given twice")
        self.refused(f"{log}&text=a%00{MARK}", 200, None)  # %00 is never decoded: a text
        for text in [f"{MARK}%27%20OR%201=1--", f"%25{MARK}%25", f"{MARK}%22%3B%20DROP%20TABLE%20logs",
                     f"%3Cscript%3E{MARK}", MARK * 28]:
            with self.subTest(text=text):
                status, error, body = self.answer(f"{log}&text={text}&all=1")
                self.assertEqual((200, None), (status, error))
                self.assertEqual({"lines": [], "truncated": False, "next": None}, json.loads(body))

    def test_an_empty_or_backwards_window(self):
        self.refused(self.window(f"t0={self.t1}&t1={self.t0}&px=100&threads=1"), 400,
                     "t1: not after t0")
        self.refused(self.window(f"t0=5&t1=5&px=100&threads=1"), 400, "t1: not after t0")
        self.refused("/api/log?t0=7&t1=3", 400, "t1: not after t0")

    def test_lane_lists(self):
        base = f"t0={self.t0}&t1={self.t1}&px=100"
        too_many = ",".join(str(i) for i in range(1, 66))
        self.refused(self.window(f"{base}&threads={too_many}"), 400, "threads: more than 64 ids")
        self.refused(self.window(f"{base}&objects=1,1"), 400, "objects: an id twice")
        for bad in ["", ",", "1,", ",1", "1,,2", "1;2", "1%2C%00", f"1,{MARK}", "1%202", "%2B1"]:
            self.refused(self.window(f"{base}&threads={bad}"), 400, "threads: not a list of ids")
        self.assertEqual(200, self.answer(self.window(
            f"{base}&threads={','.join(str(t) for t in self.threads)}"))[0])

    def test_a_parameter_given_twice_or_unknown(self):
        self.refused(self.window(f"t0=1&t0=2&t1=9&px=1&threads=1"), 400, "t0: given twice")
        self.refused(f"/api/event?id=1&id=1", 400, "id: given twice")
        self.refused(f"/api/trace?{MARK}=1", 400, "unknown parameter")
        self.refused(f"/api/stats?t0=1", 400, "unknown parameter")
        self.refused(self.window(f"{self.lanes()}&T0=1"), 400, "unknown parameter")
        self.refused(self.window(f"{self.lanes()}&id=1"), 400, "unknown parameter")
        self.refused(f"/api/event?id%00{MARK}=1", 400, "unknown parameter")
        self.refused(f"/api/event?%00=1", 400, "unknown parameter")
        self.refused(f"/api/event?id=1%00{MARK}", 400, "id: not an integer")

    def test_ids_that_name_nothing(self):
        self.refused("/api/interval?id=999999", 404, "id: no such interval")
        self.refused("/api/event?id=9223372036854775807", 404, "id: no such event")
        self.refused(self.window(f"t0=1&t1=9&px=1&threads=999"), 404, "threads: no such thread")
        self.refused(self.window(f"t0=1&t1=9&px=1&threads=1&objects=999"), 404,
                     "objects: no such object")
        self.refused("/api/log?t0=1&t1=9&thread=999", 404, "thread: no such thread")

    def test_paths_that_are_not_served(self):
        for path in ["/etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                     "/api/../../etc/passwd", "/api", "/api/", "/api/window/", "/API/TRACE",
                     f"/{MARK}", "/index.html/..", "//index.html", "/page/app.js",
                     "/" + "a" * 20000, "/%00", "/api/trace/%2e%2e"]:
            with self.subTest(path=path[:40]):
                self.refused(path, 404, "no such path")

    def test_other_methods(self):
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", MARK]:
            for path in ["/api/trace", "/", "/nowhere"]:
                self.refused(path, 405, "method: only GET and HEAD", method=method)
        status, headers, _ = self.server.request("/api/trace", method="DELETE")
        self.assertEqual("GET, HEAD", headers["Allow"])
        reply = self.server.raw(b"POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                b"Content-Length: 11\r\n\r\n" + MARK.encode() + b"body")
        self.assertTrue(reply.startswith(b"HTTP/1.1 405 "), reply[:100])

    def test_head_answers_without_a_body(self):
        status, headers, body = self.server.request("/api/trace", method="HEAD")
        self.assertEqual((200, b""), (status, body))
        self.assertEqual("application/json; charset=utf-8", headers["Content-Type"])

    def test_a_foreign_host_name_is_refused(self):
        # A page of another site reaching the loopback server (DNS rebinding).
        for host in ["evil.example", f"{MARK}.example:80", "127.0.0.1.example", "[::2]", "[::1"]:
            self.refused("/api/trace", 403, "host: not a local name", headers={"Host": host})
        for host in ["localhost", f"localhost:{self.server.port}", "127.0.0.1", "127.1.2.3:9",
                     "[::1]", f"[::1]:{self.server.port}", "LOCALHOST"]:
            self.assertEqual(200, self.answer("/api/trace", headers={"Host": host})[0], host)

    def raw_answer(self, head):
        """(status, error message) of a request written byte for byte."""
        reply = self.server.raw(head + b"Connection: close\r\n\r\n")
        self.assertNotIn(MARK.encode(), reply)
        status_line, _, body = reply.partition(b"\r\n")
        return int(status_line.split()[1]), json.loads(body.partition(b"\r\n\r\n")[2])["error"]

    def test_a_second_host_header_is_refused(self):
        # Whichever one a check reads, the other may be what a proxy used.
        for hosts in [b"Host: localhost\r\nHost: evil.example\r\n",
                      b"Host: evil.example\r\nHost: localhost\r\n",
                      b"Host: 127.0.0.1\r\nhost: 127.0.0.1\r\n"]:
            with self.subTest(hosts=hosts):
                self.assertEqual((400, "host: given twice"),
                                 self.raw_answer(b"GET /api/trace HTTP/1.1\r\n" + hosts))

    def test_a_thousand_parameters_get_an_answer(self):
        # A thousand short arguments fill a connection's memory before any
        # check runs: the request is still answered, as any other mistake.
        for query in ["&".join(f"p{i}=1" for i in range(17)),
                      "&".join(f"p{i}=1" for i in range(1000)), "&" * 3000, "a&" * 5000]:
            with self.subTest(arguments=query.count("&") + 1):
                self.refused(f"/api/trace?{query}", 400, "more than 16 parameters")
                self.assertEqual((400, "more than 16 parameters"), self.raw_answer(
                    f"GET /api/window?{query} HTTP/1.1\r\nHost: localhost\r\n".encode()))
        sixteen = "&".join(f"{MARK}{i}=1" for i in range(16))
        self.refused(f"/api/trace?{sixteen}", 400, "unknown parameter")

    def trickle_from(self, address, n):
        """n connections from address, each having sent a request line only."""
        sockets = []
        for _ in range(n):
            s = socket.socket()
            s.bind((address, 0))
            s.connect((self.server.host, self.server.port))
            s.sendall(b"GET /api/trace HTTP/1.1\r\n")
            sockets.append(s)
        return sockets

    @staticmethod
    def closed(s, wait=0):
        """Whether the server closed s (anything it sent first is an answer: a failure)."""
        if not select.select([s], [], [], wait)[0]:
            return False
        try:
            return s.recv(1024) == b""
        except ConnectionResetError:
            return True

    def answered_promptly(self):
        began = time.monotonic()
        self.assertEqual(200, self.server.request("/api/trace")[0])
        self.assertLess(time.monotonic() - began, 2)

    def test_trickling_clients_neither_hold_connections_nor_deny_others(self):
        # Slowloris: more connections than the server's 512 from one address
        # (127.0.0.2; the tests' other requests come from 127.0.0.1), each
        # sending a header line a second, which a timeout on silence never ends.
        began = time.monotonic()
        sockets = self.trickle_from("127.0.0.2", 600)
        try:
            time.sleep(0.5)
            held = [s for s in sockets if not self.closed(s)]
            self.assertEqual(PER_CLIENT, len(held))
            self.answered_promptly()
            closed_at = {}
            while len(closed_at) < len(held) and time.monotonic() - began < HEADER_DEADLINE + 5:
                for s in held:
                    if s not in closed_at:
                        try:
                            s.sendall(b"X-Trickle: 1\r\n")
                        except OSError:  # reset: closed
                            closed_at[s] = time.monotonic() - began
                if time.monotonic() - began < 3:
                    self.answered_promptly()
                for s in held:
                    if s not in closed_at and self.closed(s, wait=0.01):
                        closed_at[s] = time.monotonic() - began
                time.sleep(1)
            # Closed, unanswered, past the deadline and not long after.
            self.assertEqual(len(held), len(closed_at))
            self.assertGreaterEqual(min(closed_at.values()), HEADER_DEADLINE - 1)
            self.assertLessEqual(max(closed_at.values()), HEADER_DEADLINE + 3)
        finally:
            for s in sockets:
                s.close()

    def test_garbage_gets_a_4xx_or_a_closed_connection(self):
        for data in [b"\x00\x01\x02garbage\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                     b"GET /api/trace HTTP/1.1\r\nNo colon here\r\n\r\n",
                     b"GET /api/trace HTTP/1.1\r\nHost: x\r\nX: " + b"y" * 200000 + b"\r\n\r\n",
                     b"G" * 200000, b"GET /api/trace?" + b"t0=1&" * 40000 + b" HTTP/1.1\r\n\r\n",
                     b"GET /" + MARK.encode() + b"\r\n\r\n", b"\r\n" * 1000]:
            with self.subTest(data=data[:40]):
                reply = self.server.raw(data)
                self.assertNotIn(MARK.encode(), reply)
                if reply:  # MHD's own answer: a 4xx, or 505 for a version it does not speak
                    self.assertRegex(reply[:12], rb"^HTTP/1\.[01] (4\d\d|505)", reply[:200])

    def test_a_get_with_a_broken_body_is_answered_or_refused(self):
        # The answer is queued before any body is read: the body never matters.
        for framing in [b"Content-Length: -1\r\n\r\n", b"Content-Length: 99999999999999999999\r\n\r\n",
                        b"Transfer-Encoding: chunked\r\n\r\nzz" + MARK.encode() + b"\r\n"]:
            reply = self.server.raw(b"GET /api/trace HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing)
            self.assertNotIn(MARK.encode(), reply)
            self.assertRegex(reply[:12], rb"^HTTP/1\.1 (200|4\d\d)", reply[:200])

    def test_a_long_query_string_is_refused_whole(self):
        target = self.window(f"{self.lanes()}&{MARK}={'x' * 50000}")
        self.refused(target, 400, "unknown parameter")
        status, _, body = self.server.request(self.window("t0=" + "1" * 300000))
        self.assertGreaterEqual(status, 400)
        self.assertLess(status, 500)
        self.assertNotIn(b"111111", body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
