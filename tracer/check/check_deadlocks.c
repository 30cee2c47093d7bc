/*
 * check_deadlocks.c - the `deadlocks` invariant (check_deadlocks.h):
 * tracer/deadlocks/'s analyses, their report caught in memory and told
 * line by line as the problem's detail, so that the check's output holds
 * what `thrace deadlocks` would print. Waits it tells as unknown after a
 * gap are a note, no problem.
 */
#include "check_deadlocks.h"

#include "deadlocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tells the report's lines, text (NUL-terminated), as detail. */
static void check_deadlocks_detail(check_report *r, char *text)
{
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        check_report_detail(r, "%s", line);
}

bool check_deadlocks(sqlite3 *db, int64_t trace_id, check_report *r, failure *why)
{
    char *text;
    deadlocks_report found;
    bool ok = deadlocks_analyse_text(db, r->db_path, trace_id, DEADLOCKS_LIVE_GRACE_NS, 0, &text,
                                     &found, why);
    const char *kind = check_invariant_names[INV_DEADLOCKS];
    check_report_case(r, kind);
    if (ok && deadlocks_any(&found)) {
        char counts[128];
        deadlocks_counts(&found, counts, sizeof counts);
        check_report_problem(
            r, "%s: %s (if the program means it: 'skip deadlocks' or --no-deadlocks):", kind,
            counts);
        check_deadlocks_detail(r, text);
    }
    if (ok && found.unknown)
        check_report_note(r,
                          "%s: %d unknown after a gap: what ended %s may be among what the "
                          "trace lost",
                          kind, found.unknown, found.unknown == 1 ? "it" : "them");
    deadlocks_free(&found);
    free(text);
    return ok;
}
