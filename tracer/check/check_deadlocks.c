/*
 * check_deadlocks.c - the `deadlocks` and `leaks` invariants
 * (check_deadlocks.h): tracer/deadlocks/'s analyses, their report caught
 * in memory and told line by line as the problems' detail, so that the
 * check's output holds what `thrace deadlocks` would print. The report is
 * cut where the report says its leaks begin and end: those lines go to
 * `leaks`, the others (with the summary line) to `deadlocks`.
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

static void check_deadlocks_cycles(check_report *r, const deadlocks_report *found, const char *text,
                                   size_t from, size_t to)
{
    deadlocks_report cycles = *found; /* its counts alone: the leaks are the other check's */
    cycles.leaks = cycles.overreleases = 0;
    const char *kind = check_invariant_names[INV_DEADLOCKS];
    check_report_case(r, kind);
    if (!deadlocks_any(&cycles))
        return;
    char counts[128];
    deadlocks_counts(&cycles, counts, sizeof counts);
    check_report_problem(
        r, "%s: %s (if the program means it: 'skip deadlocks' or --no-deadlocks):", kind, counts);
    check_deadlocks_detail(r, text, 0, from);
    check_deadlocks_detail(r, text, to, strlen(text));
}

static void check_deadlocks_leaks(check_report *r, const deadlocks_report *found, const char *text,
                                  size_t from, size_t to)
{
    deadlocks_report leaks = {.leaks = found->leaks, .overreleases = found->overreleases};
    const char *kind = check_invariant_names[INV_LEAKS];
    check_report_case(r, kind);
    if (!deadlocks_any(&leaks))
        return;
    char counts[128];
    deadlocks_counts(&leaks, counts, sizeof counts);
    check_report_problem(r, "%s: %s (if the program means it: 'skip leaks' or --no-leaks):", kind,
                         counts);
    check_deadlocks_detail(r, text, from, to);
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
        if (!skip[INV_DEADLOCKS])
            check_deadlocks_cycles(r, &found, text, from, to);
        if (!skip[INV_LEAKS])
            check_deadlocks_leaks(r, &found, text, from, to);
    }
    deadlocks_free(&found);
    free(text);
    return ok;
}
