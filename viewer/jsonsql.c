/*
 * jsonsql.c - rows to jansson values (jsonsql.h). No state.
 */
#include "jsonsql.h"

#include "query.h"
#include "store.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80                    ? 1
                 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
                 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    /* No overlong three- or four-byte forms, surrogates, or code points past U+10FFFF. */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return len;
}

/* A copy of s with each byte that starts no valid sequence replaced by U+FFFD. */
static json_t *repaired(const char *s)
{
    size_t n = strlen(s), out = 0;
    char *copy = malloc(3 * n + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence((const unsigned char *)s + i, n - i);
        if (len == 0) {
            memcpy(copy + out, "\xEF\xBF\xBD", 3);
            out += 3;
            i++;
            continue;
        }
        memcpy(copy + out, s + i, len);
        out += len;
        i += len;
    }
    json_t *v = json_stringn(copy, out);
    free(copy);
    return v;
}

json_t *jsonsql_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    return v ? v : repaired(s);
}

json_t *jsonsql_value(sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, col));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, col));
    case SQLITE_NULL:
        return json_null();
    default:
        return jsonsql_text((const char *)sqlite3_column_text(st, col));
    }
}

json_t *jsonsql_site(sqlite3_stmt *st, int col)
{
    char site[300];
    const char *file = (const char *)sqlite3_column_text(st, col);
    if (!file)
        return json_null();
    return jsonsql_text(logline_site(file, sqlite3_column_int(st, col + 1),
                                     (const char *)sqlite3_column_text(st, col + 2), site,
                                     sizeof site));
}

json_t *jsonsql_object(sqlite3_stmt *st, const char *const *names, int n)
{
    json_t *o = json_object();
    for (int i = 0; o && i < n; i++)
        if (json_object_set_new(o, names[i], jsonsql_value(st, i)) != 0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

sqlite3_stmt *jsonsql_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    return sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? st : NULL;
}

/* The row's columns as jsonsql_object's, and the site after them under
 * site_key (none when NULL). */
static json_t *row_object(sqlite3_stmt *st, const char *const *names, int n, const char *site_key)
{
    json_t *o = jsonsql_object(st, names, n);
    if (o && site_key && json_object_set_new(o, site_key, jsonsql_site(st, n)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *collect(sqlite3_stmt *st, const char *const *names, int n, const char *site_key,
                       int limit, bool *truncated)
{
    json_t *rows = json_array();
    int rc = SQLITE_ERROR;
    *truncated = false;
    while (rows && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((int)json_array_size(rows) == limit) {
            *truncated = true;
            return rows;
        }
        if (json_array_append_new(rows, row_object(st, names, n, site_key)) != 0)
            break;
    }
    if (rows && rc == SQLITE_DONE)
        return rows;
    json_decref(rows);
    return NULL;
}

static json_t *rows_v(sqlite3 *db, const char *sql, const char *const *names, int n,
                      const char *site_key, int limit, bool *truncated, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = jsonsql_prepare(db, sql);
    if (!st)
        return NULL;
    db_bindv(st, fmt, ap);
    json_t *rows = collect(st, names, n, site_key, limit, truncated);
    sqlite3_finalize(st);
    return rows;
}

json_t *jsonsql_rows(sqlite3 *db, const char *sql, const char *const *names, int n, int limit,
                     bool *truncated, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *rows = rows_v(db, sql, names, n, NULL, limit, truncated, fmt, ap);
    va_end(ap);
    return rows;
}

json_t *jsonsql_rows_sited(sqlite3 *db, const char *sql, const char *const *names, int n,
                           const char *site_key, int limit, bool *truncated, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *rows = rows_v(db, sql, names, n, site_key, limit, truncated, fmt, ap);
    va_end(ap);
    return rows;
}
