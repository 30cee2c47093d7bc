/*
 * check_deadlocks.c - the `deadlocks` and `leaks` invariants
 * (check_deadlocks.h): tracer/deadlocks/'s analyses, their report caught
 * in memory and told line by line as the problems' detail, so that the
 * check's output holds what `thrace deadlocks` would print. The report is
 * cut where the report says its leaks begin and end: those lines go to
 * `leaks`, the others (with the summary line) to `deadlocks`. Waits it
 * tells as unknown after a gap are a note, no problem.
 */
#include "check_deadlocks.h"

#include "deadlocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tells the lines of text[from, to) as detail, blank ones left out. */
static void check_deadlocks_detail(check_report *r, const char *text, size_t from, size_t to)
{
    while (from < to) {
        const char *end = memchr(text + from, '\n', to - from);
        size_t n = end ? (size_t)(end - text) - from : to - from;
        if (n)
            check_report_detail(r, "%.*s", (int)n, text + from);
        from += n + 1;
    }
}

/* The invariant's problem when `counted` (its own findings) has any, with
 * the lines of text in [lines[0], lines[1]) and [lines[2], lines[3]) as detail. */
static void check_deadlocks_problem(check_report *r, check_invariant inv,
                                    const deadlocks_report *counted, const char *text,
                                    const size_t lines[4])
{
    const char *kind = check_invariant_names[inv];
    check_report_case(r, kind);
    if (!deadlocks_any(counted))
        return;
    char counts[128];
    deadlocks_counts(counted, counts, sizeof counts);
    check_report_problem(r, "%s: %s (if the program means it: 'skip %s' or --no-%s):", kind, counts,
                         kind, kind);
    check_deadlocks_detail(r, text, lines[0], lines[1]);
    check_deadlocks_detail(r, text, lines[2], lines[3]);
}

bool check_deadlocks(sqlite3 *db, int64_t trace_id, const bool skip[INV_COUNT], check_report *r,
                     failure *why)
{
    char *text;
    deadlocks_report found;
    bool ok = deadlocks_analyse_text(db, r->db_path, trace_id, DEADLOCKS_LIVE_GRACE_NS, 0, &text,
                                     &found, why);
    if (ok) {
        size_t size = strlen(text);
        bool cut = found.leaks_text[0] >= 0 && found.leaks_text[0] <= found.leaks_text[1] &&
                   (size_t)found.leaks_text[1] <= size;
        size_t from = cut ? (size_t)found.leaks_text[0] : size,
               to = cut ? (size_t)found.leaks_text[1] : size;
        deadlocks_report cycles = found; /* the leaks are the other check's */
        cycles.leaks = cycles.overreleases = 0;
        deadlocks_report leaks = {.leaks = found.leaks, .overreleases = found.overreleases};
        if (!skip[INV_DEADLOCKS])
            check_deadlocks_problem(r, INV_DEADLOCKS, &cycles, text,
                                    (const size_t[]){0, from, to, size});
        if (found.unknown && !skip[INV_DEADLOCKS]) /* the deadlocks case's, so before leaks' */
            check_report_note(r,
                              "%s: %d unknown after a gap: what ended %s may be among what the "
                              "trace lost",
                              check_invariant_names[INV_DEADLOCKS], found.unknown,
                              found.unknown == 1 ? "it" : "them");
        if (!skip[INV_LEAKS])
            check_deadlocks_problem(r, INV_LEAKS, &leaks, text, (const size_t[]){from, to, to, to});
    }
    deadlocks_free(&found);
    free(text);
    return ok;
}
