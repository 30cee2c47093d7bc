"""A `thrace deadlocks` report (tracer/deadlocks/README.md) read back into
its findings, for the tests that check one line by line (tests/deadlock,
tests/rwlock).
"""
import re


def report(text, callers=False):
    """The report's findings: {first line: [the lines below it]}; the
    "called from" lines under a site (a site's callers) only with callers,
    for the tests about them: the others check what a finding says, and a
    site reached by several threads has the callers of whichever came
    first."""
    findings, current = {}, None
    for line in text.splitlines():
        if not callers and line.strip().startswith("called from "):
            continue
        if re.match(r"(deadlock|possible deadlock|stuck|seen|leak|over-release"
                    r"|unknown after the gap at [\d.]+ s): ", line):
            current = findings.setdefault(line, [])
        elif line.startswith("  ") and current is not None:
            current.append(line.strip())
        elif not line.strip():
            current = None
    return findings


def one(findings, kind):
    """The single finding of that kind: (its first line, its lines)."""
    found = [(k, v) for k, v in findings.items() if k.startswith(kind + ": ")]
    assert len(found) == 1, findings
    return found[0]
