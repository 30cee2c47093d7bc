#!/usr/bin/env python3
"""compare_handoff.py BEFORE AFTER [RUNS] - two builds' bench_handoff, by turns.

Runs the two bench_handoff binaries one after the other (which goes first
alternates), RUNS times (6), 3 rounds each, and prints a Markdown table:
each measure's anchor (the median of both builds' pthread figures), and
each build's median time and median thrace/pthread ratio. For a before and
after of a change: build the old commit in a worktree of its own.
"""
import re
import statistics
import subprocess
import sys

ROW = re.compile(r"(.{34})\s+([\d.]+) (us|ns) (.{20})\s+([\d.]+) (us|ns)\s+([\d.]+)x")


def ns(value, unit):
    return float(value) * (1000 if unit == "us" else 1)


def shown(value):
    return f"{value / 1000:.1f} µs" if value >= 1000 else f"{value:.1f} ns"


def run(binary, figures):
    out = subprocess.run([binary, "3"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines()[2:]:
        m = ROW.match(line)
        if m:
            figures.setdefault(m.group(1).strip(), []).append(
                (ns(m.group(2), m.group(3)), ns(m.group(5), m.group(6)), float(m.group(7)),
                 m.group(4).strip()))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.splitlines()[0])
    before, after = {}, {}
    for i in range(int(sys.argv[3]) if len(sys.argv) == 4 else 6):
        turns = [(sys.argv[1], before), (sys.argv[2], after)]
        for binary, figures in turns if i % 2 == 0 else reversed(turns):
            run(binary, figures)
    print("| measure | anchor | before: time, ratio | after: time, ratio |")
    print("|---|---|---|---|")
    for name, rows in after.items():
        old = before.get(name, [])
        anchor = statistics.median(r[1] for r in rows + old)
        cells = [f"{shown(statistics.median(r[0] for r in side))}, "
                 f"{statistics.median(r[2] for r in side):.2f}x" if side else "-"
                 for side in (old, rows)]
        print(f"| {name} | {rows[0][3]}, {shown(anchor)} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
