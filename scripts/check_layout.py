#!/usr/bin/env python3
"""Checks the tree's layout rules (CONTRIBUTING.md, "Layout"):

1. the include rule: a source file includes, from another folder, only
   that folder's public header;
2. no folder's CMakeLists.txt changes a target another folder defines;
3. the folders' dependencies (links and includes) have no cycle;
4. include guards follow the header's path (THRACE_<PATH>_H).

Usage: check_layout.py [ROOT]   (default: the repository holding this script)
Prints each violation on a line of its own, then the folders in dependency
order; exits 1 when anything is wrong, 0 otherwise.
"""
import os
import re
import sys

# Each folder's public header: what other folders may include of it.
PUBLIC = {
    "include": "thrace.h",
    "lib": "foreign.h",  # its face for the pthread interposer; the rest is private
    "lib/probe": "thrace_tp.h",
    "lib/vocabulary": "vocabulary.h",
    "viewer": "viewer.h",
    "tests": None,  # the tests' own helpers
    "examples": None,
    "bench": None,
}
TRACER = "tracer"
# Headers whose guard is not their path's: the public header's, and the
# provider's, which LTTng reads several times (its guard names the path in
# the multi-read form, checked the same way).
GUARD_EXCEPTIONS = {"include/thrace.h": "THRACE_H"}

# CMake commands whose first argument is a target they change.
CHANGES_TARGET = re.compile(
    r"^\s*(target_\w+|set_target_properties|add_dependencies|thrace_embed|thrace_embed_files)"
    r"\s*\(\s*([\w.+-]+)", re.M)
DEFINES_TARGET = re.compile(r"^\s*(add_library|add_executable|add_custom_target)\s*\(\s*([\w.+-]+)",
                            re.M)
LINKS = re.compile(r"target_link_libraries\s*\(\s*([\w.+-]+)([^)]*)\)", re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folders(root):
    """Every folder with sources or a CMakeLists.txt, as paths from root."""
    found = []
    for top in ("include", "lib", TRACER, "viewer", "tests", "examples", "bench"):
        for path, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = [d for d in dirs if d not in ("page", "__pycache__")]
            rel = os.path.relpath(path, root)
            if any(f.endswith((".c", ".h", ".cpp")) or f == "CMakeLists.txt" for f in files):
                found.append(rel)
    return found


def public_header(folder):
    """The folder's public header: PUBLIC's word, else the one named after it."""
    if folder in PUBLIC:
        return PUBLIC[folder]
    if folder.startswith("tests"):
        return None
    return os.path.basename(folder) + ".h"


def owner(folder):
    """The folder whose rules a file obeys: tests/x files are tests'."""
    return "tests" if folder.startswith("tests") else folder


def sources(root, folder):
    path = os.path.join(root, folder)
    return [f for f in sorted(os.listdir(path)) if f.endswith((".c", ".h", ".cpp"))]


def check_includes(root, all_folders, problems, edges):
    headers = {}
    for folder in all_folders:
        for name in sources(root, folder):
            if name.endswith(".h"):
                headers.setdefault(name, []).append(folder)
    for folder in all_folders:
        for name in sources(root, folder):
            text = open(os.path.join(root, folder, name), encoding="utf-8").read()
            for header in INCLUDE.findall(text):
                base = os.path.basename(header)
                homes = headers.get(base, [])
                if folder in homes or not homes:  # its own, or generated at build time
                    continue
                if owner(folder) == "tests" and any(owner(h) == "tests" for h in homes):
                    continue
                good = [h for h in homes if public_header(h) == base]
                if not good:
                    problems.append(f"{folder}/{name}: includes {header}, which is not the "
                                    f"public header of {' or '.join(homes)}")
                    continue
                edges.add((owner(folder), good[0]))


def cmake_targets(root, all_folders):
    """{target: folder} for every target a CMakeLists.txt defines."""
    targets = {}
    for folder in all_folders:
        path = os.path.join(root, folder, "CMakeLists.txt")
        if os.path.exists(path):
            for _, target in DEFINES_TARGET.findall(open(path, encoding="utf-8").read()):
                targets[target] = folder
    return targets


def check_cmake(root, all_folders, problems, edges):
    targets = cmake_targets(root, all_folders)
    for folder in all_folders:
        path = os.path.join(root, folder, "CMakeLists.txt")
        if not os.path.exists(path):
            continue
        text = re.sub(r"#.*", "", open(path, encoding="utf-8").read())
        for command, target in CHANGES_TARGET.findall(text):
            home = targets.get(target)
            if home is not None and home != folder:
                problems.append(f"{folder}/CMakeLists.txt: {command}({target}) changes a target "
                                f"of {home}")
        for target, rest in LINKS.findall(text):
            for dep in re.findall(r"[\w.+-]+", rest):
                home = targets.get(dep)
                if home and targets.get(target) == folder and home != folder:
                    edges.add((owner(folder), owner(home)))


def check_guards(root, all_folders, problems):
    for folder in all_folders:
        for name in sources(root, folder):
            if not name.endswith(".h"):
                continue
            rel = os.path.join(folder, name)
            want = GUARD_EXCEPTIONS.get(rel) or \
                "THRACE_" + re.sub(r"[^A-Za-z0-9]", "_", rel[:-2]).upper() + "_H"
            text = open(os.path.join(root, rel), encoding="utf-8").read()
            if not re.search(rf"#\s*(ifndef {want}\b|if !defined\({want}\))", text):
                problems.append(f"{rel}: its include guard is not {want}")


def order(edges, problems):
    """The folders in dependency order (each after what it uses); a cycle is a problem."""
    nodes = sorted({a for a, _ in edges} | {b for _, b in edges})
    uses = {n: sorted({b for a, b in edges if a == n and b != n}) for n in nodes}
    done, doing, out = set(), [], []

    def visit(n):
        if n in done:
            return
        if n in doing:
            cycle = doing[doing.index(n):] + [n]
            problems.append("dependency cycle: " + " -> ".join(cycle))
            return
        doing.append(n)
        for m in uses[n]:
            visit(m)
        doing.pop()
        done.add(n)
        out.append(n)

    for n in nodes:
        visit(n)
    return out, uses


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    all_folders = folders(root)
    problems, edges = [], set()
    check_includes(root, all_folders, problems, edges)
    check_cmake(root, all_folders, problems, edges)
    check_guards(root, all_folders, problems)
    ordered, uses = order(edges, problems)
    for p in problems:
        print(p)
    print("folders in dependency order (each uses only those before it):")
    for n in ordered:
        print(f"  {n}" + (f"  <- uses {', '.join(uses[n])}" if uses[n] else ""))
    print(f"check_layout: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
