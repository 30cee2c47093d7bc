"""thrace programs (programs.c) under the race detectors users already run,
which see thrace's primitives through lib/annotate.h.

Usage: test_detectors.py tsan PROGRAMS [unittest options]
       test_detectors.py valgrind PROGRAMS VALGRIND [unittest options]

tsan (PROGRAMS built with -fsanitize=thread): the ABBA program is reported
as a lock-order inversion naming both locks' sites, the clean program
passes with no warning, the racy one is reported. valgrind (a build without
a sanitizer): helgrind finds no error in the clean program, the lock order
of the ABBA program and the race of the racy one; DRD finds no error in the
clean program and the race.
"""
import os
import re
import subprocess
import sys
import unittest

MODE, PROGRAMS = sys.argv[1:3]
VALGRIND = sys.argv[3] if MODE == "valgrind" else None
del sys.argv[1 : 4 if VALGRIND else 3]

TSAN_WARNING = "WARNING: ThreadSanitizer"
# programs.c's frames: `take_first_then_second programs.c:41` (TSan),
# `take_first_then_second (programs.c:41)` (valgrind).
FRAME = r"{} \(?\S*programs\.c:(\d+)"


def run(command, env=None):
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    return done.returncode, done.stdout, done.stderr


@unittest.skipUnless(MODE == "tsan", "ThreadSanitizer build only")
class ThreadSanitizer(unittest.TestCase):
    def tsan(self, program, options=""):
        # The preset's halt_on_error=1 would stop at the first report.
        env = dict(os.environ, TSAN_OPTIONS=f"second_deadlock_stack=1 exitcode=66 {options}")
        return run([PROGRAMS, program], env)

    def test_abba_is_a_lock_order_inversion_naming_both_sites(self):
        status, out, err = self.tsan("abba")
        self.assertEqual("abba\n", out)
        self.assertEqual(66, status, err)
        self.assertIn(f"{TSAN_WARNING}: lock-order-inversion (potential deadlock)", err)
        report = err[err.index("lock-order-inversion") :]
        self.assertRegex(report, r"Cycle in lock order graph: (M\d+) \(0x\w+\) => M\d+ \(0x\w+\) => \1")
        # Each thread's two acquisitions, at their lines.
        for where in ("take_first_then_second", "take_second_then_first"):
            lines = set(re.findall(FRAME.format(where), report))
            self.assertEqual(2, len(lines), report)

    def test_clean_program_has_no_warning(self):
        status, out, err = self.tsan("clean")
        self.assertNotIn(TSAN_WARNING, err)
        self.assertEqual((0, "clean\n"), (status, out), err)

    def test_unguarded_writes_are_a_data_race(self):
        status, out, err = self.tsan("race")
        self.assertEqual(66, status, err)
        self.assertIn(f"{TSAN_WARNING}: data race", err)
        self.assertRegex(err, FRAME.format("write_unguarded"))


@unittest.skipUnless(MODE == "valgrind", "build without a sanitizer, valgrind installed")
class Valgrind(unittest.TestCase):
    def valgrind(self, tool, program):
        status, out, err = run([VALGRIND, f"--tool={tool}", PROGRAMS, program])
        self.assertEqual((0, f"{program}\n"), (status, out), err)
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", err)
        self.assertIsNotNone(errors, err)
        return int(errors.group(1)), err

    def test_helgrind_finds_no_error_in_the_clean_program(self):
        errors, err = self.valgrind("helgrind", "clean")
        self.assertEqual(0, errors, err)

    def test_helgrind_finds_the_lock_order_inversion(self):
        errors, err = self.valgrind("helgrind", "abba")
        self.assertEqual(1, errors, err)
        self.assertRegex(err, r'lock order "0x[0-9A-F]+ before 0x[0-9A-F]+" violated')
        for where in ("take_first_then_second", "take_second_then_first"):
            self.assertEqual(2, len(set(re.findall(FRAME.format(where), err))), err)

    def test_helgrind_finds_the_data_race(self):
        errors, err = self.valgrind("helgrind", "race")
        self.assertGreater(errors, 0, err)
        self.assertIn("Possible data race", err)
        self.assertRegex(err, FRAME.format("write_unguarded"))

    def test_drd_finds_no_error_in_the_clean_program(self):
        errors, err = self.valgrind("drd", "clean")
        self.assertEqual(0, errors, err)

    def test_drd_finds_the_data_race(self):
        errors, err = self.valgrind("drd", "race")
        self.assertGreater(errors, 0, err)
        self.assertIn("Conflicting store", err)
        self.assertRegex(err, FRAME.format("write_unguarded"))


if __name__ == "__main__":
    unittest.main()
