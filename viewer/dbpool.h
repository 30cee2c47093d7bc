/*
 * dbpool.h - read-only connections to the served database, shared by the
 * server's threads: a request takes one, uses it alone, and gives it back.
 */
#ifndef THRACE_VIEWER_DBPOOL_H
#define THRACE_VIEWER_DBPOOL_H

#include "base.h"

#include <sqlite3.h>

typedef struct dbpool dbpool;

/* Opens size read-only connections to path (db_open: a thrace database,
 * never created nor written). NULL with "PATH: reason" (or "out of
 * memory") in why. */
dbpool *dbpool_open(const char *path, int size, failure *why);

/* A connection for the caller alone, in a read transaction (one snapshot
 * until it is given back); waits while every one is taken. */
sqlite3 *dbpool_take(dbpool *p);

/* Gives back a connection from dbpool_take. */
void dbpool_give(dbpool *p, sqlite3 *db);

/* Closes every connection: none may be taken. */
void dbpool_close(dbpool *p);

#endif
