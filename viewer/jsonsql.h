/*
 * jsonsql.h - query results as jansson values: a column as a JSON value,
 * a row as an object, a query's rows as a bounded array. Text that is not
 * valid UTF-8 (a thread named with arbitrary bytes) is repaired, so that
 * every answer is valid JSON.
 */
#ifndef THRACE_VIEWER_JSONSQL_H
#define THRACE_VIEWER_JSONSQL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

/* s as a JSON string (invalid UTF-8 replaced by U+FFFD), or null for NULL. */
json_t *jsonsql_text(const char *s);

/* Column col of st's row: integer, real, string or null. */
json_t *jsonsql_value(sqlite3_stmt *st, int col);

/* A call site from columns file, line and func at col, col + 1, col + 2,
 * as the reports write it ("file.c:42 in f()", logline_site), or null
 * when file is NULL. */
json_t *jsonsql_site(sqlite3_stmt *st, int col);

/* The row's columns 0..n-1 as an object with those names. */
json_t *jsonsql_object(sqlite3_stmt *st, const char *const *names, int n);

/*
 * Runs sql with parameters bound as db_bindv's fmt says, and returns at most
 * limit rows as objects named by names (n columns). *truncated tells
 * whether more rows were left. NULL on a database error.
 */
json_t *jsonsql_rows(sqlite3 *db, const char *sql, const char *const *names, int n, int limit,
                     bool *truncated, const char *fmt, ...);

/* jsonsql_rows whose rows carry too, under site_key, the call site at
 * columns n, n + 1, n + 2 (jsonsql_site: null when the file is NULL). */
json_t *jsonsql_rows_sited(sqlite3 *db, const char *sql, const char *const *names, int n,
                           const char *site_key, int limit, bool *truncated, const char *fmt, ...);

/* sqlite3_prepare_v2 of a static statement; NULL on failure. */
sqlite3_stmt *jsonsql_prepare(sqlite3 *db, const char *sql);

#endif
