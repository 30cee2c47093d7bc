/*
 * objkind.c - an object's kind, one lookup by its id (objkind.h). No state.
 */
#include "objkind.h"
#include "jsonsql.h"

#include <string.h>

static const char kind_sql[] = "SELECT kind FROM objects WHERE id = ?1";

int objkind_find(sqlite3 *db, int64_t object, const char *const *kinds, int n)
{
    sqlite3_stmt *st = jsonsql_prepare(db, kind_sql);
    int rc = SQLITE_ERROR, found = -1;
    if (st) {
        sqlite3_bind_int64(st, 1, object);
        rc = sqlite3_step(st);
    }
    const char *kind = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    for (int i = 0; kind && i < n; i++)
        if (strcmp(kind, kinds[i]) == 0)
            found = i;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -2;
}
