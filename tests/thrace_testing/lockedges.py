"""The lock-order edges a recorded database stores (schema.sql's
lock_edges) are those its intervals give: tests/collector's lockedges_check,
named by THRACE_LOCKEDGES_CHECK (thrace_add_python_test sets it)."""
import os
import subprocess


def check(db):
    """Raises AssertionError with the first difference. A recording that
    made no database (a refused command line) has nothing to check; a
    test run without the checker fails, rather than checking nothing."""
    tool = os.environ.get("THRACE_LOCKEDGES_CHECK")
    if not tool or not os.path.exists(tool):
        raise AssertionError("THRACE_LOCKEDGES_CHECK names no lockedges_check: run under ctest")
    if not os.path.exists(db):
        return
    done = subprocess.run([tool, db], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(done.stderr)
