/*
 * livegaps.c - a live trace's gaps, settled at its session's end (livegaps.h).
 */
#include "livegaps.h"

#include "ingest.h"
#include "live.h"
#include "livetrace.h"
#include "relaycopy.h"
#include "store.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

/* What the trace's row counts: events and unread events. */
static void livegaps_counts(sqlite3 *db, int64_t row, int64_t *events, int64_t *unread)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT events FROM traces WHERE id = %" PRId64, row);
    *events = db_value(db, sql, 0);
    snprintf(sql, sizeof sql, "SELECT unread FROM traces WHERE id = %" PRId64, row);
    *unread = db_value(db, sql, 0);
}

/* No copy, or one that did not store: the trace keeps its gaps, and is cut
 * when its end was not seen. */
static bool livegaps_keep(sqlite3 *db, const char *url, int64_t row, livegaps_kind kind,
                          const char *because, failure *why)
{
    int64_t events, unread;
    livegaps_counts(db, row, &events, &unread);
    if (kind == LIVEGAPS_BREAK) {
        if (unread)
            live_say("%s: %" PRId64 " events were not read (%s): counted as unread", url, unread,
                     because);
        return true;
    }
    live_say("%s: %s, and %s: the trace is cut after its %" PRId64 " events stored", url,
             kind == LIVEGAPS_LOST ? "the relay daemon lost the session"
                                   : "the session ended while no daemon read it",
             because, events);
    return tracerow_cut(db, row, why);
}

bool livegaps_settle(sqlite3 *db, const char *copies, const char *url, int64_t row,
                     livegaps_kind kind, failure *why)
{
    int64_t replaced = 0, events, unread;
    failure failed;
    worker_stage(0, url); /* a copy that crashes the reader excludes the session */
    relaycopy_outcome outcome = relaycopy_replace(db, copies, row, &replaced, &failed);
    worker_stage(WORKER_NO_STAGE, "");
    char because[sizeof failed.text + PATH_MAX];
    if (outcome == RELAYCOPY_NONE && copies)
        snprintf(because, sizeof because, "no copy of it in %s (--relayd-output)", copies);
    else if (outcome == RELAYCOPY_NONE)
        snprintf(because, sizeof because, "the relay daemon's copies are not known");
    else if (outcome == RELAYCOPY_FAILED)
        snprintf(because, sizeof because, "its relay daemon's copy did not store: %s", failed.text);
    if (outcome != RELAYCOPY_REPLACED)
        return livegaps_keep(db, url, row, kind, because, why);
    livegaps_counts(db, replaced, &events, &unread);
    live_say("%s: stored again from the relay daemon's copy: %" PRId64 " events%s", url, events,
             kind == LIVEGAPS_LOST ? "; the relay daemon lost the session there: the trace is cut"
                                   : "");
    return kind != LIVEGAPS_LOST || tracerow_cut(db, replaced, why);
}

bool livegaps_unseen(sqlite3 *db, const char *copies, const char *url, int64_t row, failure *why)
{
    livetrace *t = livetrace_resume(db, row, why);
    bool ok = t && livetrace_finish(t, why);
    livetrace_free(t);
    return ok && livegaps_settle(db, copies, url, row, LIVEGAPS_UNSEEN, why);
}
