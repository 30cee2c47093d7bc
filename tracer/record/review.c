/*
 * review.c - the trace just stored, reviewed (review.h). The trace is
 * found by the directory it was read from, not as the newest: another
 * `thrace record --append` may store into the same database meanwhile.
 */
#include "review.h"

#include "deadlocks.h"
#include "store.h"

#include <stdio.h>

/* traces.path is dir, or a trace's directory under it (LTTng's
 * ust/uid/UID/64-bit for per-UID buffers). */
#define REVIEW_UNDER_DIR "(path = ?1 OR substr(path, 1, length(?1) + 1) = ?1 || '/')"

static void review_error(const char *db_path, const char *what, const failure *why)
{
    fprintf(stderr, "thrace record: %s: %s%s\n", db_path, what, why->text);
}

/* The id of the trace stored from dir, 0 when none, -1 on a failure (why). */
static int64_t review_trace_id(sqlite3 *db, const char *dir, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM traces WHERE " REVIEW_UNDER_DIR, -1, &st,
                           NULL) != SQLITE_OK) {
        db_fail(db, why);
        return -1;
    }
    sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return id;
}

static bool review_forget(sqlite3 *db, int64_t trace_id, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "UPDATE traces SET path = '' WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return db_fail(db, why);
    sqlite3_bind_int64(st, 1, trace_id);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok || db_fail(db, why);
}

/* One line when `thrace deadlocks` would find something (its report is not printed). */
static void review_findings(sqlite3 *db, const char *db_path, int64_t trace_id)
{
    deadlocks_report r;
    failure why;
    FILE *quiet = fopen("/dev/null", "w");
    if (!quiet)
        return;
    bool ok = deadlocks_analyse(db, db_path, trace_id, DEADLOCKS_LIVE_GRACE_NS, REVIEW_BUDGET_NS,
                                quiet, &r, &why);
    fclose(quiet);
    char counts[128];
    deadlocks_counts(&r, counts, sizeof counts);
    if (!ok)
        review_error(db_path, "not looked at for deadlocks: ", &why);
    else if (deadlocks_any(&r))
        fprintf(stderr, "thrace record: %s: thrace deadlocks %s\n", counts, db_path);
    deadlocks_free(&r);
}

void review_stored(const char *db_path, const char *dir, bool forget, bool full_report)
{
    failure why;
    sqlite3 *db = db_open(db_path, forget, &why);
    if (!db) {
        review_error(db_path, "not reviewed: ", &why);
        return;
    }
    int64_t trace_id = review_trace_id(db, dir, &why);
    if (trace_id < 0)
        review_error(db_path, "not reviewed: ", &why);
    if (trace_id > 0 && forget && !review_forget(db, trace_id, &why))
        review_error(db_path, "its trace's path is kept: ", &why);
    if (trace_id > 0 && full_report)
        deadlocks_run(db, db_path, trace_id, stderr);
    else if (trace_id > 0)
        review_findings(db, db_path, trace_id);
    db_close(db);
}
