"""A bounded load test of `thrace serve` on loopback: CLIENTS concurrent
clients, each with its own keep-alive connection, send REQUESTS requests
mixing every endpoint and the page. Zero errors, every API answer valid
JSON; prints the requests per second.

Usage: test_load.py THRACE SCENARIOS THREADING_LOCK BENCH_CYCLE [unittest options]
"""
import http.client
import json
import random
import sqlite3
import threading
import time
import unittest
from urllib.parse import urlencode

from thrace_testing.viewer import Server, ids, record, whole_trace, THREADING_LOCK

CLIENTS, REQUESTS = 32, 40


class Load(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        db = record("threading_lock", THREADING_LOCK)
        cls.server = Server(db)
        cls.t0, cls.t1, cls.threads, cls.objects = whole_trace(cls.server)
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as sql:
            cls.intervals = [i for (i,) in sql.execute("SELECT id FROM intervals")]
            cls.events = [i for (i,) in sql.execute("SELECT id FROM events")]

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def targets(self, rng):
        """REQUESTS paths of every kind, in a random order."""
        span = self.t1 - self.t0
        a = self.t0 + rng.randrange(span // 2)
        window = {"t0": a, "t1": a + rng.randrange(1, span // 2), "px": rng.choice([100, 1500, 8192]),
                  "threads": ids(self.threads), "objects": ids(self.objects)}
        kinds = [("/api/trace", None), ("/api/window", window), ("/api/stats", None),
                 ("/api/interval", {"id": rng.choice(self.intervals)}),
                 ("/api/event", {"id": rng.choice(self.events)}),
                 ("/api/log", {"t0": self.t0, "t1": self.t1, "all": rng.randrange(2)}),
                 ("/", None), ("/app.js", None)]
        return [kinds[i % len(kinds)] for i in rng.sample(range(REQUESTS), REQUESTS)]

    def client(self, seed, failures, done):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            for path, params in self.targets(rng):
                connection.request("GET", path + ("?" + urlencode(params) if params else ""))
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    failures.append((path, params, response.status, body[:200]))
                elif path.startswith("/api/"):
                    json.loads(body)  # raises on anything but JSON
                done.append(path)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failures.append((seed, repr(e)))
        finally:
            connection.close()

    def test_many_clients_at_once_get_every_answer(self):
        failures, done = [], []
        clients = [threading.Thread(target=self.client, args=(seed, failures, done))
                   for seed in range(CLIENTS)]
        start = time.perf_counter()
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        took = time.perf_counter() - start
        self.assertEqual([], failures[:5])
        self.assertEqual(CLIENTS * REQUESTS, len(done))
        print(f"\n  {len(done)} requests from {CLIENTS} clients in {took:.2f} s:"
              f" {len(done) / took:.0f} requests/s", end=" ")


if __name__ == "__main__":
    unittest.main(verbosity=2)
