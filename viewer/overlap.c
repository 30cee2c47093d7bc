/*
 * overlap.c - the levels of an object's intervals, each found with one
 * seek of intervals_by_object, for the queries that read an object's
 * intervals overlapping a span level by level (overlap.h). No state.
 */
#include "overlap.h"
#include "jsonsql.h"

static const char next_level_sql[] =
    "SELECT level FROM intervals WHERE object_id = ?1 AND level > ?2 ORDER BY level LIMIT 1";

int64_t overlap_reach(int64_t level)
{
    return level <= 0 ? 1 : level >= 62 ? (int64_t)1 << 62 : (int64_t)1 << level;
}

bool overlap_find_levels(sqlite3 *db, int64_t object, overlap_levels *out)
{
    sqlite3_stmt *st = jsonsql_prepare(db, next_level_sql);
    int rc = SQLITE_ERROR;
    int64_t level = -1;
    out->n = 0;
    while (st && out->n < OVERLAP_LEVELS) {
        sqlite3_bind_int64(st, 1, object);
        sqlite3_bind_int64(st, 2, level);
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        level = sqlite3_column_int64(st, 0);
        out->level[out->n++] = level;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}
