/*
 * db.c - statements over the thrace database (db.h): running, preparing,
 * binding, reading one value, and sqlite's reasons as failures. Opening it
 * is dbopen.c's.
 */
#include "db.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

bool db_run(sqlite3 *db, failure *why, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    va_list ap;
    va_start(ap, fmt);
    db_bindv(st, fmt, ap);
    va_end(ap);
    bool ok = sqlite3_step(st) == SQLITE_DONE || db_fail(db, why);
    sqlite3_finalize(st);
    return ok;
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
