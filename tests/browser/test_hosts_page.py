"""The viewer's page over a database of two hosts, in headless Chromium:
tests/deadlock's `abba_timeout` recorded once as another host
(thrace_testing/hosts.py: its own namespaces, hostname and session daemon)
and once here, into one file, served by `thrace serve`. The same program
twice, its lanes of the same names: the page must say which host each
process ran on, in its headings (never cut so that the host or the pid
goes), its lanes' tooltips, the Log, Stats and Deadlocks tabs; and its
filter by host must keep the timeline to one host's lanes, and the URL's
hash must hold it.

Usage: test_hosts_page.py THRACE DEADLOCK_PROGRAMS ARTEFACTS [unittest options]
Run as root (unshare); a session daemon must answer here (the ctest
fixture `lttng` starts one). The page is saved as ARTEFACTS/hosts.png,
and kept to each host as ARTEFACTS/hosts-HOST.png.
"""
import sys
import unittest

from thrace_testing import hosts
from thrace_testing.page import Served

THRACE, DEADLOCK_PROGRAMS, ARTEFACTS = sys.argv[1:4]
del sys.argv[1:4]
Served.thrace, Served.artefacts = THRACE, ARTEFACTS


@unittest.skipUnless(*hosts.can_make_hosts())
class HostsPage(Served):
    @classmethod
    def setUpClass(cls):
        db = cls.scratch_db("hosts.db")
        hosts.record_two_hosts(THRACE, db, DEADLOCK_PROGRAMS, "abba_timeout")
        cls.serve_database(db)
        cls.screenshot("hosts.png")

    def processes(self):
        """[(processes.id, `HOST · NAME · pid N`)] in lane order."""
        return [(i, f"{host} · {name} · pid {pid}") for i, host, name, pid in self.sql.execute(
            "SELECT p.id, t.hostname, p.name, p.pid FROM processes p"
            " JOIN traces t ON t.id = p.trace_id ORDER BY p.id")]

    def host_of(self, process):
        return self.sql.execute("SELECT t.hostname FROM processes p JOIN traces t"
                                " ON t.id = p.trace_id WHERE p.id = ?", (process,)).fetchone()[0]

    def headings(self):
        """Each heading's text, title, and whether its host and pid show whole."""
        return self.js("""[...document.querySelectorAll('#lanes li.group')].map(li => {
            const box = li.getBoundingClientRect(), whole = (s) => !s || (s.scrollWidth
                <= s.clientWidth && s.getBoundingClientRect().right <= box.right);
            return [li.textContent, li.title,
                    whole(li.querySelector('.host')) && whole(li.querySelector('.pid'))]; })""")

    def test_each_process_heading_names_its_host_name_and_pid_uncut(self):
        expected = []
        for process, label in self.processes():
            host = self.host_of(process)  # each host's processes under its heading
            if not expected or expected[-3][0] != host:
                expected.append([host, host, True])
            expected += [[label, label, True], ["objects", f"objects of {label}", True]]
        self.assertEqual(expected, self.headings())

    def test_each_processs_objects_follow_its_threads(self):
        where = {f"thread:{i}": (p, 0) for i, p in self.sql.execute(
            "SELECT id, process_id FROM threads")}
        where.update({f"object:{i}": (p, 1) for i, p in self.sql.execute(
            "SELECT id, process_id FROM objects")})
        lanes = self.js("[...document.querySelectorAll('#lanes [data-lane]')]"
                        ".map(e => e.dataset.lane)")
        self.assertEqual(sorted(where), sorted(lanes))
        self.assertEqual(sorted(lanes, key=where.get), lanes)

    def test_each_lanes_tooltip_names_its_process_and_host(self):
        for process, label in self.processes():
            for kind, table in (("thread", "threads"), ("object", "objects")):
                rows = self.sql.execute(f"SELECT id FROM {table} WHERE process_id = ?",
                                        (process,)).fetchall()
                self.assertTrue(rows)
                for i, in rows:
                    title = self.js(f"document.querySelector('[data-lane=\"{kind}:{i}\"]').title")
                    self.assertIn(label, title)

    def test_the_stats_tab_names_each_rows_process(self):
        self.show_tab("stats")
        rows = """[...document.querySelectorAll('#stats-objects tbody tr')]
            .filter(r => r.cells[1].textContent === 'lock')
            .map(r => [r.cells[0].textContent, r.cells[r.cells.length - 1].textContent])"""
        locks = self.until(lambda: self.js(rows), lambda found: len(found) == 4)
        expected = sorted((name, label) for process, label in self.processes()
                          for name, in self.sql.execute("SELECT name FROM objects WHERE"
                                                        " process_id = ? AND kind = 'lock'",
                                                        (process,)))
        self.assertEqual(expected, sorted(tuple(row) for row in locks))

    def choose_host(self, host):
        """Chooses host in the header's filter ('' for all), as a user's change."""
        self.js(f"""(() => {{ const s = document.getElementById('host');
            s.value = {host!r}; s.dispatchEvent(new Event('change')); }})()""")

    def lanes_shown(self):
        return sorted(self.js("[...document.querySelectorAll('#lanes [data-lane]')]"
                              ".map(e => e.dataset.lane)"))

    def test_the_host_filter_keeps_the_timeline_to_one_hosts_lanes(self):
        hosts = sorted(h for h, in self.sql.execute("SELECT hostname FROM traces"))
        self.assertFalse(self.js("document.getElementById('host-filter').hidden"))
        self.assertEqual(["all hosts", *hosts], self.js(
            "[...document.getElementById('host').options].map(o => o.textContent)"))
        everything = self.lanes_shown()
        self.addCleanup(self.choose_host, "")
        for host in hosts:
            self.choose_host(host)
            expected = sorted(f"{kind}:{i}" for kind, table in (("thread", "threads"),
                                                              ("object", "objects"))
                              for i, in self.sql.execute(
                f"SELECT x.id FROM {table} x JOIN processes p ON p.id = x.process_id"
                " JOIN traces t ON t.id = p.trace_id WHERE t.hostname = ?", (host,)))
            self.assertEqual(expected, self.lanes_shown())
            headings = self.js("[...document.querySelectorAll('#lanes li.group')]"
                               ".map(e => e.title)")
            self.assertEqual(3, len(headings), headings)  # the host's, the process's, objects
            self.assertTrue(all(host in h for h in headings), headings)
            self.wait_drawn()
            self.screenshot(f"hosts-{host}.png")
        # The filter keeps the timeline to a host, not the Log tab, whose
        # lines still name every host's processes.
        self.show_tab("log")
        expected = self.run_thrace("log", "--time", self.db).stdout.rstrip("\n")
        self.assertEqual(expected, self.eventually(self.log_text, expected))
        self.show_tab("timeline")
        self.choose_host("")
        self.assertEqual(everything, self.lanes_shown())

    def test_the_urls_hash_holds_the_host_shown_and_its_link_reopens_it(self):
        host = sorted(h for h, in self.sql.execute("SELECT hostname FROM traces"))[1]
        self.choose_host(host)
        lanes = self.lanes_shown()
        hash_ = self.until(lambda: self.js("window.location.hash"),
                           lambda h: h.endswith(f"&host={host}"))
        self.assertTrue(hash_.endswith(f"&host={host}"), hash_)
        link = self.js("window.location.href")
        self.browser.call("Page.navigate", {"url": "about:blank"})
        self.browser.poll("document.location.href === 'about:blank'")
        self.browser.call("Page.navigate", {"url": link})
        self.wait_ready()
        self.assertEqual(host, self.js("document.getElementById('host').value"))
        self.assertEqual(lanes, self.until(self.lanes_shown, lambda shown: shown == lanes))
        self.choose_host("")

    def test_the_log_tab_names_each_lines_process_and_host_as_thrace_log(self):
        self.show_tab("log")
        checkbox = self.box("#log-all")
        self.browser.click(checkbox["x"], checkbox["y"])
        expected = self.run_thrace("log", "--time", "--all", self.db).stdout.rstrip("\n")
        self.assertIn("[pid ", expected)
        shown = self.eventually(self.log_text, expected)
        self.browser.click(checkbox["x"], checkbox["y"])
        self.assertEqual(expected, shown)

    def test_the_deadlocks_tab_names_the_host_of_each_cycle(self):
        text = self.deadlocks_text()
        self.assertEqual(self.thrace_deadlocks(), text)
        for host, pid in self.sql.execute("SELECT t.hostname, p.pid FROM processes p"
                                          " JOIN traces t ON t.id = p.trace_id"):
            self.assertIn(f"(pid {pid} on {host}, at ", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
