/*
 * moment.c - point-in-time lookups over the intervals' level indexes
 * (intervals_by_object for an object's holders, intervals_by_window for a
 * thread's wait). An interval of level L active at ts began in
 * [ts - 2^L, ts]: one index range per level. An rwlock's read holds are
 * holds, its waits to read waits: a read hold blocks a wait to write, not
 * a wait to read (glibc's default rwlock lets readers in while it is read).
 */
#include "moment.h"

#include "store.h"
#include "vocabulary.h"

#include <stdlib.h>

#define MOMENT_LEVELS                                                                              \
    "WITH RECURSIVE l(level) AS (SELECT 0 UNION ALL SELECT level + 1 FROM l WHERE level < 62) "
#define MOMENT_ACTIVE                                                                              \
    " AND i.begin_ns BETWEEN ?2 - (1 << l.level) AND ?2"                                           \
    " WHERE i.end_ns > ?2 OR i.outcome = " SQL_OUTCOME(unfinished)
#define MOMENT_COLUMNS MOMENT_ROW_COLUMNS("i")
#define MOMENT_WRITER  "i.state = " SQL_STATE(holding)

/* ?3: the wait is to read, which a read hold does not block. */
static const char holders_sql[] = MOMENT_LEVELS
    "SELECT " MOMENT_COLUMNS " FROM l JOIN intervals i ON i.object_id = ?1 AND i.level = l.level"
    " AND i.state IN " DB_HOLDS " AND (NOT ?3 OR " MOMENT_WRITER ")" MOMENT_ACTIVE
    " ORDER BY i.begin_ns";

static const char wait_sql[] = MOMENT_LEVELS
    "SELECT " MOMENT_COLUMNS " FROM l JOIN intervals i ON i.thread_id = ?1 AND i.level = l.level"
    " AND i.state IN " DB_WAITS MOMENT_ACTIVE " ORDER BY i.begin_ns DESC LIMIT 1";

struct moment {
    sqlite3_stmt *holders, *wait;
};

moment *moment_new(sqlite3 *db, failure *why)
{
    moment *m = calloc(1, sizeof *m);
    if (!m) {
        failure_set(why, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v2(db, holders_sql, -1, &m->holders, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, wait_sql, -1, &m->wait, NULL) != SQLITE_OK) {
        db_fail(db, why);
        moment_free(m);
        return NULL;
    }
    return m;
}

void moment_free(moment *m)
{
    if (!m)
        return;
    sqlite3_finalize(m->holders);
    sqlite3_finalize(m->wait);
    free(m);
}

moment_interval moment_row(sqlite3_stmt *st)
{
    return (moment_interval){
        .id = sqlite3_column_int64(st, 0),
        .thread_id = sqlite3_column_int64(st, 1),
        .object_id = sqlite3_column_int64(st, 2),
        .begin_ns = sqlite3_column_int64(st, 3),
        .end_ns = sqlite3_column_int64(st, 4),
        .site_id = sqlite3_column_int64(st, 5),
        .shared = sqlite3_column_int(st, 6) != 0,
    };
}

/* Steps st into out (at most cap rows); the count, or -1 on an error (reason in why). */
static int moment_rows(sqlite3_stmt *st, moment_interval *out, int cap, failure *why)
{
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (n < cap)
            out[n++] = moment_row(st);
    if (rc != SQLITE_DONE) {
        db_fail(sqlite3_db_handle(st), why);
        n = -1;
    }
    sqlite3_reset(st);
    return n;
}

int moment_holders(moment *m, int64_t object_id, int64_t ts, bool reading, moment_interval *out,
                   int cap, failure *why)
{
    sqlite3_bind_int64(m->holders, 1, object_id);
    sqlite3_bind_int64(m->holders, 2, ts);
    sqlite3_bind_int(m->holders, 3, reading);
    return moment_rows(m->holders, out, cap, why);
}

int moment_wait(moment *m, int64_t thread_id, int64_t ts, moment_interval *out, failure *why)
{
    sqlite3_bind_int64(m->wait, 1, thread_id);
    sqlite3_bind_int64(m->wait, 2, ts);
    return moment_rows(m->wait, out, 1, why);
}
