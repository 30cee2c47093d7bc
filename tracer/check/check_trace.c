/*
 * check_trace.c - reads a process's threads and lines for `thrace check`
 * (check_trace.h). The lines are logquery.h's, as `thrace log --all` prints
 * them.
 */
#include "check_trace.h"

#include "query.h"
#include "store.h"
#include "vocabulary.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char threads_query[] =
    "SELECT id, name, kind, daemon, end_ns IS NOT NULL,"
    "  " LOSSES_GAP_AFTER(
        "(SELECT trace_id FROM processes WHERE id = ?1)",
        "coalesce(threads.begin_ns, 0)") " - (SELECT MIN(begin_ns) FROM traces)"
                                         " FROM threads WHERE process_id = ?1 ORDER BY id";

/* The gaps of the process's trace with a known end (a cut has nothing after
 * it), by end; an unknown begin is taken as the end. */
static const char gaps_query[] =
    "SELECT coalesce(begin_ns, end_ns), end_ns FROM discards WHERE end_ns IS NOT NULL"
    " AND trace_id = (SELECT trace_id FROM processes WHERE id = ?1) ORDER BY end_ns";

/* A process's events come from one trace, whose events.id order is its time
 * order: no sort. Lines are grouped by thread here, not named in SQL (NULL
 * stands for the thread's name that LOGQUERY_COLUMNS would start with).
 * The process's end is no line of the thread that ended it. */
/* clang-format off */
static const char lines_query[] =
    "SELECT e.thread_id, e.ts - (SELECT MIN(begin_ns) FROM traces), NULL, " LOGQUERY_EVENT_COLUMNS
    " FROM " LOGQUERY_FROM " WHERE e.thread_id IN (SELECT id FROM threads WHERE process_id = ?1)"
    "   AND (?2 OR e.name = " SQL_EVENT(log) ") AND e.name != " SQL_EVENT(process_exit)
    " ORDER BY e.id";
/* clang-format on */

/* Finalizes st after a loop that ended on rc (ok: no allocation failed):
 * true if it ran to its end, else false with the reason in why (read
 * before finalizing, which may change sqlite's). */
static bool finish(sqlite3 *db, sqlite3_stmt *st, int rc, bool ok, failure *why)
{
    if (!ok)
        failure_set(why, "out of memory");
    else if (rc != SQLITE_DONE)
        db_fail(db, why);
    sqlite3_finalize(st);
    return ok && rc == SQLITE_DONE;
}

static bool add_thread(check_trace *t, sqlite3_stmt *st)
{
    check_thread *grown = realloc(t->threads, (t->nthreads + 1) * sizeof *grown);
    if (!grown)
        return false;
    t->threads = grown;
    check_thread *th = &t->threads[t->nthreads++];
    *th = (check_thread){
        .id = sqlite3_column_int64(st, 0),
        .name = strdup((const char *)sqlite3_column_text(st, 1)),
        .kind = vocab_thread_kind_of((const char *)sqlite3_column_text(st, 2)),
        .daemon = sqlite3_column_int(st, 3) != 0,
        .exited = sqlite3_column_int(st, 4) != 0,
        .gap = sqlite3_column_type(st, 5) != SQLITE_NULL,
        .gap_offset_ns = sqlite3_column_int64(st, 5),
    };
    return th->name;
}

static bool add_gap(check_trace *t, sqlite3_stmt *st)
{
    if (!grow_for(&t->gaps, t->ngaps, &t->gaps_cap, sizeof *t->gaps, 16))
        return false;
    t->gaps[t->ngaps++] = (check_gap){sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0)};
    return true;
}

/* Runs sql with ?1 bound to t's process, add called on each row; false as
 * check_trace_load_threads. */
static bool each_row(check_trace *t, sqlite3 *db, const char *sql,
                     bool (*add)(check_trace *t, sqlite3_stmt *st), failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    sqlite3_bind_int64(st, 1, t->process_id);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = add(t, st);
    return finish(db, st, rc, ok, why);
}

bool check_trace_load_threads(check_trace *t, sqlite3 *db, int64_t process_id, failure *why)
{
    *t = (check_trace){.process_id = process_id,
                       .origin_ns = db_value(db, "SELECT MIN(begin_ns) FROM traces", 0)};
    if (!each_row(t, db, threads_query, add_thread, why) ||
        !each_row(t, db, gaps_query, add_gap, why))
        return false;
    for (size_t i = t->ngaps; i-- > 1;)
        if (t->gaps[i].min_begin_ns < t->gaps[i - 1].min_begin_ns)
            t->gaps[i - 1].min_begin_ns = t->gaps[i].min_begin_ns;
    return true;
}

/* The first of n elements of size bytes at base, sorted by the int64_t at
 * offset in each, whose key is not below key; n when none. */
static size_t first_not_below(const void *base, size_t n, size_t size, size_t offset, int64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t k;
        memcpy(&k, (const char *)base + mid * size + offset, sizeof k);
        if (k < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool check_trace_gap_between(const check_trace *t, int64_t after, int64_t before, int64_t *gap_ns)
{
    size_t i =
        first_not_below(t->gaps, t->ngaps, sizeof *t->gaps, offsetof(check_gap, end_ns), after);
    if (i == t->ngaps || t->gaps[i].min_begin_ns > before)
        return false;
    *gap_ns = t->gaps[i].min_begin_ns > after ? t->gaps[i].min_begin_ns : after;
    return true;
}

long check_trace_thread_index(const check_trace *t, int64_t id)
{
    size_t i = first_not_below(t->threads, t->nthreads, sizeof *t->threads,
                               offsetof(check_thread, id), id);
    return i < t->nthreads && t->threads[i].id == id ? (long)i : -1;
}

static bool push_index(check_thread *th, size_t line)
{
    /* Doubling: a busy thread has a million lines. */
    if ((th->nlines & (th->nlines - 1)) == 0) {
        size_t *grown = realloc(th->lines, (th->nlines ? 2 * th->nlines : 1) * sizeof *grown);
        if (!grown)
            return false;
        th->lines = grown;
    }
    th->lines[th->nlines++] = line;
    return true;
}

static bool push_line(check_trace *t, size_t *cap, long thread, int64_t offset_ns, const char *text)
{
    if (t->nlines == *cap) {
        size_t more = *cap ? 2 * *cap : 256;
        check_line *grown = realloc(t->lines, more * sizeof *grown);
        if (!grown)
            return false;
        t->lines = grown;
        *cap = more;
    }
    char *copy = strdup(text);
    if (!copy || !push_index(&t->threads[thread], t->nlines)) {
        free(copy);
        return false;
    }
    t->lines[t->nlines++] = (check_line){offset_ns, (size_t)thread, copy};
    return true;
}

/* The row st stands on, told as a line, added unless it tells nothing. */
static bool add_line(check_trace *t, size_t *cap, sqlite3_stmt *st)
{
    char text[1024];
    long thread = check_trace_thread_index(t, sqlite3_column_int64(st, 0));
    if (!logquery_text(st, 2, text, sizeof text) || thread < 0)
        return true;
    return push_line(t, cap, thread, sqlite3_column_int64(st, 1), text);
}

bool check_trace_load_lines(check_trace *t, sqlite3 *db, bool log_only, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, lines_query, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    sqlite3_bind_int64(st, 1, t->process_id);
    sqlite3_bind_int(st, 2, !log_only);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    bool ok = true;
    /* Held across the rows, the connection's (recursive) mutex makes each
     * column call re-enter it cheaply (as batch.c does for ingest's binds). */
    sqlite3_mutex *m = sqlite3_db_mutex(db);
    sqlite3_mutex_enter(m);
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = add_line(t, &cap, st);
    sqlite3_mutex_leave(m);
    return finish(db, st, rc, ok, why);
}

void check_trace_free(check_trace *t)
{
    for (size_t i = 0; i < t->nthreads; i++) {
        free(t->threads[i].name);
        free(t->threads[i].lines);
    }
    for (size_t i = 0; i < t->nlines; i++)
        free(t->lines[i].text);
    free(t->threads);
    free(t->lines);
    free(t->gaps);
    *t = (check_trace){0};
}
