/*
 * db.h - the thrace database (schema.sql): opening it, its schema, and
 * transactions. Every command reads or writes through here.
 */
#ifndef THRACE_TRACER_STORE_DB_H
#define THRACE_TRACER_STORE_DB_H

#include "base.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Opens path. Writable: creates the file and the schema if needed (WAL,
 * foreign keys on). Read-only: the file must exist and hold a thrace
 * schema. NULL on failure, with "PATH: reason" in why.
 */
sqlite3 *db_open(const char *path, bool writable, failure *why);

/* Closes it (NULL is ignored). */
void db_close(sqlite3 *db);

/* The first column of sql's first row, as an integer; `otherwise` when
 * there is no row or the query fails. */
int64_t db_value(sqlite3 *db, const char *sql, int64_t otherwise);

/* Runs sql (no rows); false with sqlite's reason in why. */
bool db_exec(sqlite3 *db, const char *sql, failure *why);

/* Writes db's last error message (sqlite3_errmsg) into why, copied before
 * a later call changes it; returns false. */
bool db_fail(sqlite3 *db, failure *why);

/*
 * Binds st's parameters from ap as fmt describes them, one letter each:
 * i int64, I int64 or NULL when 0, o pointer to int64 or NULL for NULL,
 * t text or NULL. Texts are not copied: they must live until st is stepped.
 */
void db_bindv(sqlite3_stmt *st, const char *fmt, va_list ap);

#endif
