"""thrace from another project's side: find_package(thrace) from the build
tree and from an install tree, pkg-config, and the Debian packages installed
on this machine and removed again. Each way, a consumer project links the
library (shared and static) and records and checks its program's trace under
ctest (thrace_add_trace_test).

Usage: test_package.py BUILD_DIR CONSUMER_DIR PARENT_DIR EXAMPLE [unittest options]
(EXAMPLE: an example's path without .c, its .expect beside it; PARENT_DIR:
a project that adds thrace's sources with add_subdirectory); a session
daemon must answer (the ctest fixture `lttng`). Run as root: it installs
and removes packages.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD, CONSUMER, PARENT, EXAMPLE = sys.argv[1:5]
del sys.argv[1:5]
SOURCE = os.path.dirname(os.path.dirname(EXAMPLE))
TMP = tempfile.TemporaryDirectory()
PACKAGES = ["thrace", "libthrace-dev", "libthrace0"]


def run(*args, env=None, cwd=None):
    """Runs a command; its output, failing the test with it when it fails."""
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited with {done.returncode}:\n"
                             f"{done.stdout}\n{done.stderr}")
    return done.stdout


def consumer(name, *cmake_args):
    """Configures, builds and tests the consumer project; ctest's report."""
    build = os.path.join(TMP.name, name)
    run("cmake", "-S", CONSUMER, "-B", build, f"-DEXAMPLE={EXAMPLE}", *cmake_args)
    run("cmake", "--build", build, "-j2")
    return run("ctest", "--test-dir", build, "--output-on-failure")


class Package(unittest.TestCase):
    def assert_both_traced(self, report):
        self.assertIn("traced_shared", report)
        self.assertIn("traced_static", report)
        self.assertIn("100% tests passed, 0 tests failed out of 2", report)

    def test_find_package_from_the_build_tree(self):
        self.assert_both_traced(consumer("tree", f"-Dthrace_DIR={BUILD}"))

    def test_find_package_and_pkg_config_from_an_install_tree(self):
        prefix = os.path.join(TMP.name, "prefix")
        run("cmake", "--install", BUILD, "--prefix", prefix)
        self.assert_both_traced(consumer("installed", f"-DCMAKE_PREFIX_PATH={prefix}"))
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
        flags = run("pkg-config", "--cflags", "--libs", "thrace", env=env).split()
        prog = os.path.join(TMP.name, "by-pkg-config")
        run("cc", EXAMPLE + ".c", "-o", prog, *flags, f"-Wl,-rpath,{prefix}/lib")
        db = os.path.join(TMP.name, "by-pkg-config.db")
        # The installed thrace finds what it preloads in its own tree.
        run(os.path.join(prefix, "bin", "thrace"), "record", "-o", db, "--", prog)
        run(os.path.join(prefix, "bin", "thrace"), "check", db, "--expect", EXAMPLE + ".expect")

    def test_debian_packages_install_work_and_remove_cleanly(self):
        for old in glob.glob(os.path.join(BUILD, "*.deb")):
            os.remove(old)
        run("cpack", "-G", "DEB", cwd=BUILD)
        debs = sorted(glob.glob(os.path.join(BUILD, "*.deb")))
        self.assertEqual(3, len(debs), debs)
        self.addCleanup(subprocess.run, ["dpkg", "--purge", *PACKAGES], capture_output=True)
        run("dpkg", "-i", *debs)
        files = [f for p in PACKAGES for f in run("dpkg", "-L", p).split()
                 if os.path.isfile(f)]
        self.assertIn("/usr/bin/thrace", files)
        # The system's: no prefix given, the command found in /usr/bin.
        self.assert_both_traced(consumer("system"))
        self.assertEqual("0.1.0\n", run("pkg-config", "--modversion", "thrace"))
        self.assertTrue(run("man", "-w", "thrace-record").startswith("/usr/share/man/man1/"))
        self.assertTrue(run("man", "-w", "3", "libthrace").startswith("/usr/share/man/man3/"))
        run("dpkg", "--purge", *PACKAGES)
        self.assertEqual([], [f for f in files if os.path.exists(f)])


class LibraryAlone(unittest.TestCase):
    def test_add_subdirectory_without_tracing_needs_no_lttng(self):
        build = os.path.join(TMP.name, "parent")
        # No pkg-config at all: LTTng-UST, SQLite and the rest are never looked for.
        run("cmake", "-S", PARENT, "-B", build, f"-DTHRACE_SOURCE={SOURCE}",
            f"-DEXAMPLE={EXAMPLE}", "-DTHRACE_TRACING=OFF",
            "-DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=TRUE")
        targets = run("cmake", "--build", build, "--target", "help")
        self.assertIn("thrace_static", targets)
        self.assertNotIn("thrace_cmd", targets)  # the tools are the top-level project's
        run("cmake", "--build", build, "-j2")
        ran = subprocess.run([os.path.join(build, "example")], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(0, ran.returncode, ran.stderr)
        self.assertIn("Lock acquired directly", ran.stderr)
        with open(glob.glob(os.path.join(build, "thrace", "lib", "libthrace.so.0"))[0], "rb") as f:
            self.assertNotIn(b"lttng", f.read().lower())


class CommandLine(unittest.TestCase):
    """What a new user meets first: a mistyped command, --help, the manual."""

    thrace = os.path.join(BUILD, "bin", "thrace")

    def test_a_mistyped_command_is_told_the_nearest(self):
        for typed, meant in (("recrod", "record"), ("stat", "stats"), ("deadlock", "deadlocks")):
            done = subprocess.run([self.thrace, typed], capture_output=True, text=True)
            self.assertEqual(2, done.returncode)
            self.assertEqual(f"thrace: '{typed}' is not a command; did you mean '{meant}'?\n",
                             done.stderr)
        far = subprocess.run([self.thrace, "frobnicate"], capture_output=True, text=True)
        self.assertEqual(2, far.returncode)
        self.assertTrue(far.stderr.startswith("thrace: 'frobnicate' is not a command.\n"))

    def test_every_commands_help_names_its_manual_and_the_manual_is_built(self):
        for command in ("record", "ingest", "log", "stats", "serve", "export", "daemon", "check",
                        "deadlocks"):
            with self.subTest(command=command):
                helped = run(self.thrace, command, "--help")
                self.assertTrue(helped.endswith(f"The manual: man thrace-{command}\n"), helped)
                page = run("man", "-l", os.path.join(BUILD, "man", f"thrace-{command}.1"),
                           env=dict(os.environ, MANWIDTH="80"))
                self.assertIn(f"thrace-{command} - ", page)


if __name__ == "__main__":
    unittest.main(verbosity=2)
