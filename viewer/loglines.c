/*
 * loglines.c - the lanes' threads' log lines in a window (loglines.h).
 * Zoomed in, the lines in the window in time order, through logs_by_time.
 * Zoomed out, when the file has log_counts (schema 12; a file of schema 11
 * or older opened read-only has none and is read as zoomed in), the
 * threads' lines are gathered as cells, each with its first line's ts:
 * the counts of the buckets at the window's resolution (lod_resolution)
 * wholly inside [t0, t1], those of finer buckets in the parts of buckets
 * at its edges, and the lines one by one in what is left there, less than
 * the finest bucket at each end. The cells of a thread whose first lines
 * fall in one pixel make one entry, named after the first line; when the
 * entries are more than LOGLINES_MAX, pixels are taken two, four, ... at a
 * time until they fit. An entry's first line is one lookup in
 * logs_by_time, its thread's name then one in thread_names. Whatever the
 * trace's length, a window costs a row per bucket and thread, a few more
 * per resolution, and two lookups per entry.
 * No state.
 */
#include "loglines.h"

#include "base.h"
#include "jsonsql.h"
#include "query.h"
#include "store.h"

#include <stdlib.h>

#define LOG_THREAD LOGQUERY_THREAD_NAME("l") /* the name of a log line's thread then */

static const char listed_sql[] =
    "SELECT l.id, l.thread_id, l.ts, l.text, " LOG_THREAD
    " FROM logs l WHERE l.ts BETWEEN ?1 AND ?2"
    " AND l.thread_id IN (SELECT value FROM json_each(?3)) ORDER BY l.ts, l.id LIMIT ?4";
static const char has_counts_sql[] =
    "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'log_counts'";
/* A thread's buckets [?3, ?4] at resolution ?2. */
static const char counted_sql[] = "SELECT first_ts, count FROM log_counts WHERE thread_id = ?1"
                                  " AND resolution = ?2 AND bucket BETWEEN ?3 AND ?4";
/* The threads' lines in [?1, ?2], one by one. */
static const char edge_sql[] = "SELECT thread_id, ts FROM logs WHERE ts BETWEEN ?1 AND ?2"
                               " AND thread_id IN (SELECT value FROM json_each(?3))";
/* A thread's first line at ts ?1: the one an entry names. */
static const char first_sql[] =
    "SELECT l.id, l.text, " LOG_THREAD " FROM logs l WHERE l.ts = ?1 AND l.thread_id = ?2"
    " ORDER BY l.id LIMIT 1";

/* Lines of a thread from the first's ts on: a bucket counted, a line
 * read, or an entry of the answer. */
typedef struct {
    int64_t thread_id, ts, count;
} loglines_cell;

typedef struct {
    loglines_cell *cells;
    size_t n, cap;
} loglines_cells;

static bool cells_add(loglines_cells *c, int64_t thread_id, int64_t ts, int64_t count)
{
    if (!grow_for(&c->cells, c->n, &c->cap, sizeof *c->cells, 256))
        return false;
    c->cells[c->n++] = (loglines_cell){thread_id, ts, count};
    return true;
}

/* One entry of the answer, its line as `thrace log` prints it; NULL when
 * out of memory. */
static json_t *entry_new(int64_t id, int64_t thread_id, int64_t ts, const char *thread,
                         const char *text, int64_t count)
{
    char line[1200];
    logquery_message(thread, text ? text : "", line, sizeof line);
    return json_pack("{s:I, s:I, s:I, s:o, s:I}", "id", (json_int_t)id, "thread_id",
                     (json_int_t)thread_id, "ts", (json_int_t)ts, "line", jsonsql_text(line),
                     "count", (json_int_t)count);
}

static const char *column_text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

/* Appends log to logs; false (log freed) when out of memory. */
static bool append(json_t *logs, json_t *log)
{
    return log && json_array_append_new(logs, log) == 0;
}

/* The threads' lines in the window one by one, the first LOGLINES_MAX. */
static json_t *listed(sqlite3 *db, const lod_window *w, const char *ids, bool *truncated)
{
    sqlite3_stmt *st = jsonsql_prepare(db, listed_sql);
    json_t *logs = st ? json_array() : NULL;
    if (logs) {
        sqlite3_bind_int64(st, 1, w->t0);
        sqlite3_bind_int64(st, 2, w->t1);
        sqlite3_bind_text(st, 3, ids, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, LOGLINES_MAX + 1);
    }
    int rc = SQLITE_DONE;
    bool ok = logs != NULL;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_size(logs) == LOGLINES_MAX) {
            *truncated = true;
            break;
        }
        ok = append(logs, entry_new(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                    sqlite3_column_int64(st, 2), column_text(st, 4),
                                    column_text(st, 3), 1));
    }
    sqlite3_finalize(st);
    if (ok && (rc == SQLITE_ROW || rc == SQLITE_DONE))
        return logs;
    json_decref(logs);
    return NULL;
}

/* What gathering a zoomed-out window's cells walks with. */
typedef struct {
    const params_ids *threads;
    sqlite3_stmt *counted, *edge; /* counted_sql, edge_sql (its threads bound) */
    loglines_cells cells;
} loglines_gather;

/* The threads' lines in [a, b] into g's cells, one each. False on error. */
static bool edge(loglines_gather *g, int64_t a, int64_t b)
{
    sqlite3_reset(g->edge);
    sqlite3_bind_int64(g->edge, 1, a);
    sqlite3_bind_int64(g->edge, 2, b);
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(g->edge)) == SQLITE_ROW)
        ok = cells_add(&g->cells, sqlite3_column_int64(g->edge, 0),
                       sqlite3_column_int64(g->edge, 1), 1);
    return ok && rc == SQLITE_DONE;
}

/* The threads' buckets [b0, b1] at resolution r into g's cells, a cell
 * each. False on error. */
static bool counted(loglines_gather *g, int r, int64_t b0, int64_t b1)
{
    bool ok = true;
    for (int i = 0; ok && i < g->threads->n; i++) {
        sqlite3_reset(g->counted);
        sqlite3_bind_int64(g->counted, 1, g->threads->ids[i]);
        sqlite3_bind_int(g->counted, 2, r);
        sqlite3_bind_int64(g->counted, 3, b0);
        sqlite3_bind_int64(g->counted, 4, b1);
        int rc;
        while (ok && (rc = sqlite3_step(g->counted)) == SQLITE_ROW)
            ok = cells_add(&g->cells, g->threads->ids[i], sqlite3_column_int64(g->counted, 0),
                           sqlite3_column_int64(g->counted, 1));
        ok = ok && rc == SQLITE_DONE;
    }
    return ok;
}

/* The threads' lines in [a, b] into g's cells: the buckets of resolution r
 * wholly inside it counted, the parts of buckets at its ends (less than a
 * bucket each) at the next finer resolution, and so on down to the lines
 * themselves, read below the finest: besides its own buckets, a window
 * reads a few a resolution and the lines of 2^16 ns at each end, whatever
 * the resolution. False on error. */
static bool gather(loglines_gather *g, int64_t a, int64_t b, int r)
{
    if (a > b)
        return true;
    if (r < LANECOUNTS_FINEST)
        return edge(g, a, b);
    int64_t b0 = (a >> r) + ((a & (((int64_t)1 << r) - 1)) != 0); /* begins >= a */
    int64_t b1 = ((b + 1) >> r) - 1;                              /* ends <= b */
    int finer = r - LANECOUNTS_STEP;
    if (b0 > b1)
        return gather(g, a, b, finer);
    return gather(g, a, (b0 << r) - 1, finer) && counted(g, r, b0, b1) &&
           gather(g, (b1 + 1) << r, b, finer);
}

static int by_thread_then_ts(const void *a, const void *b)
{
    const loglines_cell *x = a, *y = b;
    if (x->thread_id != y->thread_id)
        return x->thread_id < y->thread_id ? -1 : 1;
    return (x->ts > y->ts) - (x->ts < y->ts);
}

static int by_ts(const void *a, const void *b)
{
    const loglines_cell *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->thread_id > y->thread_id) - (x->thread_id < y->thread_id);
}

/* The cells (by thread, then ts) merged into entries: those of a thread
 * whose first lines fall in one group of g pixels make one, counting them
 * all. Merged in place when merge is true; how many entries, always. */
static size_t entries(const lod_window *w, loglines_cell *cells, size_t n, int g, bool merge)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool joins = i > 0 && cells[i].thread_id == cells[i - 1].thread_id &&
                     lod_pixel(w, cells[i].ts) / g == lod_pixel(w, cells[i - 1].ts) / g;
        if (joins && merge)
            cells[k - 1].count += cells[i].count;
        else if (!joins && merge)
            cells[k] = cells[i];
        k += !joins;
    }
    return k;
}

/* The entries as the answer's objects, each named after its first line. */
static json_t *entries_json(sqlite3 *db, const loglines_cell *e, size_t n)
{
    sqlite3_stmt *st = jsonsql_prepare(db, first_sql);
    json_t *logs = st ? json_array() : NULL;
    bool ok = logs != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, e[i].ts);
        sqlite3_bind_int64(st, 2, e[i].thread_id);
        ok = sqlite3_step(st) == SQLITE_ROW &&
             append(logs, entry_new(sqlite3_column_int64(st, 0), e[i].thread_id, e[i].ts,
                                    column_text(st, 2), column_text(st, 1), e[i].count));
    }
    sqlite3_finalize(st);
    if (ok)
        return logs;
    json_decref(logs);
    return NULL;
}

/* c's cells made entries, at most LOGLINES_MAX, in time order, into its
 * first cells; how many. */
static size_t fitted(const lod_window *w, loglines_cells *c)
{
    if (c->n > 0) /* cells is NULL until one is added */
        qsort(c->cells, c->n, sizeof *c->cells, by_thread_then_ts);
    int g = 1;
    while (entries(w, c->cells, c->n, g, false) > LOGLINES_MAX)
        g *= 2;
    size_t n = entries(w, c->cells, c->n, g, true);
    if (n > 0)
        qsort(c->cells, n, sizeof *c->cells, by_ts);
    return n;
}

/* The threads' lines in a window whose pixels are buckets of 2^r ns or
 * wider, an entry per thread and pixel (or group of pixels). */
static json_t *zoomed_out(sqlite3 *db, const lod_window *w, int r, const params_ids *threads,
                          const char *ids)
{
    loglines_gather g = {.threads = threads,
                         .counted = jsonsql_prepare(db, counted_sql),
                         .edge = jsonsql_prepare(db, edge_sql)};
    bool ok = g.counted && g.edge;
    if (ok)
        sqlite3_bind_text(g.edge, 3, ids, -1, SQLITE_STATIC);
    ok = ok && gather(&g, w->t0, w->t1, r);
    sqlite3_finalize(g.counted);
    sqlite3_finalize(g.edge);
    json_t *logs = ok ? entries_json(db, g.cells.cells, fitted(w, &g.cells)) : NULL;
    free(g.cells.cells);
    return logs;
}

/* 1 when the file counts its log lines (log_counts), 0 when not, -1 on error. */
static int has_counts(sqlite3 *db)
{
    sqlite3_stmt *st = jsonsql_prepare(db, has_counts_sql);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The threads' ids as a JSON array, for json_each; NULL when out of memory. */
static char *ids_text(const params_ids *threads)
{
    json_t *ids = json_array();
    for (int i = 0; ids && i < threads->n; i++)
        json_array_append_new(ids, json_integer(threads->ids[i]));
    char *text = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
    json_decref(ids);
    return text;
}

json_t *loglines_json(sqlite3 *db, const lod_window *w, const params_ids *threads, bool *truncated)
{
    *truncated = false;
    char *ids = ids_text(threads);
    int r = lod_resolution(w);
    int counts = ids && r >= 0 ? has_counts(db) : 0;
    json_t *logs = !ids || counts < 0 ? NULL
                   : counts           ? zoomed_out(db, w, r, threads, ids)
                                      : listed(db, w, ids, truncated);
    free(ids);
    return logs;
}
