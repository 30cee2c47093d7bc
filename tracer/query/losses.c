/*
 * losses.c - the losses by cause and their sentences (losses.h): one
 * query over the traces rows, which keep each cause's total as the trace
 * is stored, so that its cost does not grow with the trace.
 */
#include "losses.h"

#include "store.h"

const char losses_sql[] =
    "SELECT COALESCE(SUM(discarded), 0), COALESCE(SUM(unread), 0), MIN(cut_ns), COUNT(cut_ns),"
    " COALESCE(MIN(cut_ns - begin_ns), 0) FROM traces WHERE ?1 = 0 OR id = ?1";

static const char losses_gap_sql[] =
    "SELECT " LOSSES_GAP_AFTER("(SELECT p.trace_id FROM threads t JOIN processes p"
                               " ON p.id = t.process_id WHERE t.id = ?1)",
                               "?2");

int losses_gap_after(sqlite3 *db, int64_t thread_id, int64_t ns, int64_t *gap_ns, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, losses_gap_sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, why);
        return -1;
    }
    sqlite3_bind_int64(st, 1, thread_id);
    sqlite3_bind_int64(st, 2, ns);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW ? sqlite3_column_type(st, 0) != SQLITE_NULL : -1;
    if (found > 0)
        *gap_ns = sqlite3_column_int64(st, 0);
    if (found < 0)
        db_fail(db, why);
    sqlite3_finalize(st);
    return found;
}

bool losses_read(sqlite3 *db, int64_t trace_id, losses *l, failure *why)
{
    sqlite3_stmt *st;
    *l = (losses){0};
    if (sqlite3_prepare_v2(db, losses_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    sqlite3_bind_int64(st, 1, trace_id);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *l = (losses){.lttng = sqlite3_column_int64(st, 0),
                      .unread = sqlite3_column_int64(st, 1),
                      .cuts = sqlite3_column_int64(st, 3),
                      .cut_ns = sqlite3_column_int64(st, 4)};
    else
        db_fail(db, why);
    sqlite3_finalize(st);
    return ok;
}

bool losses_any(const losses *l)
{
    return l->lttng || l->unread || l->cuts;
}

/* The cut's sentence: one trace's, or the first of several. */
static void losses_say_cut(const losses *l, char *buf, size_t size)
{
    char which[64] = "the stream was";
    if (l->cuts > 1)
        snprintf(which, sizeof which, "the streams of %lld traces were", (long long)l->cuts);
    snprintf(buf, size,
             "%s cut%s at %.6f s (the relay daemon went away, or the session ended while "
             "thrace daemon was down): nothing after is known",
             which, l->cuts > 1 ? ", the first" : "", (double)l->cut_ns / 1e9);
}

const char *losses_say(const losses *l, losses_cause cause, char *buf, size_t size)
{
    buf[0] = '\0';
    if (cause == LOSSES_LTTNG && l->lttng)
        snprintf(buf, size,
                 "LTTng discarded %lld events (its ring buffer was full): record with "
                 "--blocking to lose none",
                 (long long)l->lttng);
    else if (cause == LOSSES_UNREAD && l->unread)
        snprintf(buf, size,
                 "thrace daemon did not read %lld events or more (it was down, or "
                 "reattached): the relay daemon's copy has them",
                 (long long)l->unread);
    else if (cause == LOSSES_CUT && l->cuts)
        losses_say_cut(l, buf, size);
    return buf;
}

void losses_print(const losses *l, FILE *out)
{
    char sentence[512];
    for (int c = 0; c < LOSSES_CAUSES; c++)
        if (*losses_say(l, c, sentence, sizeof sentence))
            fprintf(out, "%s.\n", sentence);
}
