/*
 * db.h - the thrace database (schema.sql): opening it, its schema, and
 * transactions. Every command reads or writes through here. Also the SQL
 * fragments that read what the schema stores compactly, so that queries
 * elsewhere never spell it out themselves.
 */
#ifndef THRACE_TRACER_STORE_DB_H
#define THRACE_TRACER_STORE_DB_H

#include "base.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Opens path. Writable: creates the file and the schema if needed (WAL,
 * foreign keys on). Read-only: the file must exist and hold a thrace
 * schema, and the connection has no mutex: one thread may use it at a
 * time. NULL on failure, with "PATH: reason" in why.
 */
sqlite3 *db_open(const char *path, bool writable, failure *why);

/* Closes it (NULL is ignored). */
void db_close(sqlite3 *db);

/* The first column of sql's first row, as an integer; `otherwise` when
 * there is no row or the query fails. */
int64_t db_value(sqlite3 *db, const char *sql, int64_t otherwise);

/* Runs sql (no rows); false with sqlite's reason in why. */
bool db_exec(sqlite3 *db, const char *sql, failure *why);

/* Runs one statement, its parameters as fmt says (db_bindv's letters);
 * false with sqlite's reason in why. */
bool db_run(sqlite3 *db, failure *why, const char *sql, const char *fmt, ...);

/* Writes db's last error message (sqlite3_errmsg) into why, copied before
 * a later call changes it; returns false. */
bool db_fail(sqlite3 *db, failure *why);

/* Prepares sql into *st, a statement kept for the connection's life
 * (SQLITE_PREPARE_PERSISTENT); false with the reason in why. */
bool db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, failure *why);

/* The intervals' states as SQL lists, for `state IN ...`: the holds (a
 * lock's, an rlock's, a semaphore unit's, an rwlock's write and read
 * holds), the waits to acquire one, and an rwlock's read holds and waits
 * to read. */
#define DB_HOLDS "(" SQL_STATE(holding) ", " SQL_STATE(reading) ")"
#define DB_WAITS "(" SQL_STATE(waiting) ", " SQL_STATE(waiting_read) ")"
#define DB_READS "(" SQL_STATE(reading) ", " SQL_STATE(waiting_read) ")"

/* The `shared` field of the events row aliased r, as an SQL expression: 1
 * for an rwlock's read hold (its wait, acquire or release), else 0.
 * schema.sql keeps it in events.detail only when it is 1. */
#define DB_EVENT_SHARED(r) "COALESCE(json_extract(" r ".detail, '$.shared'), 0)"

/*
 * Binds st's parameters from ap as fmt describes them, one letter each:
 * i int64, I int64 or NULL when 0, o pointer to int64 or NULL for NULL,
 * t text or NULL. Texts are not copied: they must live until st is stepped.
 */
void db_bindv(sqlite3_stmt *st, const char *fmt, va_list ap);

#endif
