/*
 * doc.h - what the passes over the database share while one document is
 * written (chrome.c makes it): the connection, the output, the tids given
 * out so far, the flows numbered so far, and the catalog (the call sites'
 * callers); and the loop every pass
 * runs, a query's rows each written as it is stepped.
 */
#ifndef THRACE_TRACER_EXPORT_DOC_H
#define THRACE_TRACER_EXPORT_DOC_H

#include "jsonout.h"
#include "query.h"
#include "tracks.h"

#include <sqlite3.h>

typedef struct {
    sqlite3 *db;
    jsonout out;
    tracks tracks;
    int64_t flows; /* flow ids given: the next is flows + 1 */
    catalog cat;   /* the call sites and their callers, for the slices' args */
} doc;

/* What a pass does with a row: false, with the reason in why, stops it. */
typedef bool doc_row(doc *d, sqlite3_stmt *row, void *arg, failure *why);

/* Steps sql's rows one by one into each: the memory of one row, whatever
 * the query's length. False with the reason in why on a database error
 * or when each failed. */
bool doc_each(doc *d, const char *sql, doc_row *each, void *arg, failure *why);

#endif
