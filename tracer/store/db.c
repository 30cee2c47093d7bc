/*
 * db.c - opening the thrace database and creating its schema (schema.sql,
 * embedded at build time). Writers use WAL, so that readers (the viewer)
 * never wait for an ingest.
 */
#include "db.h"

#include "schema_sql.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* schema.sql's version, in PRAGMA user_version: 2 added intervals.begin_seq and end_seq,
 * 3 live traces (traces.live, live_streams), 4 names from binaries (objects.addr, binaries),
 * 5 summaries kept as the trace is stored. */
enum { SCHEMA_VERSION = 5 };

bool db_fail(sqlite3 *db, failure *why)
{
    return failure_set(why, "%s", sqlite3_errmsg(db));
}

bool db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, failure *why)
{
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK ||
           db_fail(db, why);
}

bool db_exec(sqlite3 *db, const char *sql, failure *why)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK || db_fail(db, why);
}

int64_t db_value(sqlite3 *db, const char *sql, int64_t otherwise)
{
    sqlite3_stmt *st;
    int64_t value = otherwise;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return otherwise;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return value;
}

static int user_version(sqlite3 *db)
{
    return (int)db_value(db, "PRAGMA user_version", -1);
}

static bool set_user_version(sqlite3 *db, failure *why)
{
    char sql[40];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION);
    return db_exec(db, sql, why);
}

/* Creates the schema in a new database; checks an existing one's version. */
static bool ensure_schema(sqlite3 *db, bool writable, failure *why)
{
    int version = user_version(db);
    if (version < 0)
        return failure_set(why, "not a database (or a damaged one)");
    if (version == SCHEMA_VERSION)
        return true;
    if (version > SCHEMA_VERSION)
        return failure_set(why, "made by a newer thrace (schema %d; this one reads %d)", version,
                           SCHEMA_VERSION);
    if (version != 0)
        return failure_set(why,
                           "made by an older thrace (schema %d; this one reads %d): ingest its "
                           "trace again into a new database",
                           version, SCHEMA_VERSION);
    if (!writable)
        return failure_set(why, "not a thrace database");
    return db_exec(db, "PRAGMA journal_mode=WAL", why) && db_exec(db, "BEGIN", why) &&
           db_exec(db, schema_sql, why) && set_user_version(db, why) && db_exec(db, "COMMIT", why);
}

sqlite3 *db_open(const char *path, bool writable, failure *why)
{
    sqlite3 *db = NULL;
    int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        if (db)
            db_fail(db, why);
        else
            failure_set(why, "out of memory");
    } else {
        sqlite3_busy_timeout(db, 5000);
        if (ensure_schema(db, writable, why) && db_exec(db, "PRAGMA foreign_keys=ON", why))
            return db;
    }
    sqlite3_close(db);
    failure_prefix(why, path);
    return NULL;
}

void db_close(sqlite3 *db)
{
    sqlite3_close(db);
}

void db_bindv(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    for (int i = 1; *fmt; fmt++, i++) {
        if (*fmt == 't') {
            sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_STATIC);
            continue;
        }
        if (*fmt == 'o') {
            const int64_t *p = va_arg(ap, const int64_t *);
            if (p)
                sqlite3_bind_int64(st, i, *p);
            else
                sqlite3_bind_null(st, i);
            continue;
        }
        int64_t v = va_arg(ap, int64_t);
        if (*fmt == 'I' && v == 0)
            sqlite3_bind_null(st, i);
        else
            sqlite3_bind_int64(st, i, v);
    }
}
