/*
 * doc.c - a pass's loop over its query (doc.h): one statement, stepped
 * and written row by row, finalized whatever happened.
 */
#include "doc.h"

#include "store.h"

bool doc_each(doc *d, const char *sql, doc_row *each, void *arg, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(d->db, why);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!each(d, st, arg, why)) {
            sqlite3_finalize(st);
            return false;
        }
    if (rc != SQLITE_DONE)
        db_fail(d->db, why);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}
