/*
 * variables.c - the variables of the objects the findings name, told after
 * them: an unnamed libthrace object keeps its shown name (Lock-1, which
 * expectations and scripts rely on), and the store knows the variable its
 * value lay in (objects.symbol: a static or global; none on the heap or a
 * stack), which is how its programmer knows it; one without (the heap, a
 * stack) is told by where its init was called (objects.made_site):
 *
 *   variables:
 *     Lock-1 is cache_lock
 *     Semaphore-2 is sem
 *     Condition-3 made at jobq.c:40 in make_queue()
 *
 * An object whose name already is its variable (the interposer's, named by
 * their symbol) is not told again; the block is left out when no object
 * has a line.
 */
#include "analysis.h"

#include <string.h>

static const char variables_sql[] = "SELECT symbol, made_site FROM objects WHERE id = ?";

/* The object's line, when its variable is known and is not its name, or,
 * without a variable, where it was made is known; false on a database
 * error (reason in why). */
static bool variables_tell(deadlocks_report *r, sqlite3_stmt *st, int64_t object_id, bool *any,
                           failure *why)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, object_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(r->db, why);
    const char *symbol = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    int64_t made = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    char buf[32], site[300];
    const char *name = catalog_object_name(&r->cat, object_id, buf, sizeof buf);
    if (symbol ? strcmp(symbol, name) == 0 : !made)
        return true;
    fprintf(r->out, "%s  %s %s %s\n", *any ? "" : "variables:\n", name, symbol ? "is" : "made at",
            symbol ? symbol : catalog_site_text(&r->cat, made, site, sizeof site));
    *any = true;
    return true;
}

bool variables_report(deadlocks_report *r, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, variables_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    bool ok = true, any = false;
    for (size_t i = 0; ok && i + 1 < r->nnamed; i += 2)
        ok = r->named[i] == 0 || variables_tell(r, st, r->named[i + 1], &any, why);
    sqlite3_finalize(st);
    if (ok && any)
        fputc('\n', r->out);
    return ok;
}
