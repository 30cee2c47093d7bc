/*
 * batch.h - rows of the tables that get one per event (events, intervals)
 * and of the other frequent ones (log lines, the timeline's counts), stored
 * in bulk and off the decoding thread: they are gathered into
 * buffers, and a writer thread inserts each full buffer with
 * `INSERT INTO t (...) VALUES (...), (...), ...`, BATCH_ROWS rows per
 * statement. One statement per many rows keeps SQLite's cursors open from
 * row to row and pays its per-statement costs once; the thread lets SQLite
 * work while libbabeltrace2 decodes the next events.
 *
 * The writer shares the connection with the thread that fills the batches
 * (SQLite serialises the two: the writer holds it across a buffer, so a
 * statement the filling thread runs itself waits for the buffer, and the
 * two threads then take turns instead of working at once). Rows of one batch are inserted in the
 * order given, after every row the filling thread wrote before giving them; so a row they refer to
 * must be written first, and the filling thread must get the ids of its own inserts with RETURNING,
 * never sqlite3_last_insert_rowid (the writer's inserts move it).
 */
#ifndef THRACE_TRACER_STORE_BATCH_H
#define THRACE_TRACER_STORE_BATCH_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

enum { BATCH_ROWS = 64 };

/* The writer thread, shared by the batches of one connection. */
typedef struct batch_writer batch_writer;

typedef struct batch batch;

/* A writer for db; NULL when out of memory. When db's connection has no
 * mutex (opened SQLITE_OPEN_NOMUTEX), it starts no thread and batches are
 * written by the thread that fills them. */
batch_writer *batch_writer_new(sqlite3 *db);

/* Stops the writer (NULL is ignored); its batches must be freed first. */
void batch_writer_free(batch_writer *w);

/* A batch for `INSERT INTO table (columns)`, columns being its n column
 * names; NULL when out of memory or when the statement does not prepare
 * (reason in why). */
batch *batch_new(batch_writer *w, const char *table, const char *columns, int n, failure *why);

/* As batch_new, for rows that may meet a stored row of the same key:
 * on_conflict, an upsert clause ("ON CONFLICT DO UPDATE SET ..."; a string
 * that outlives the batch), follows the rows of each statement. */
batch *batch_new_upsert(batch_writer *w, const char *table, const char *columns, int n,
                        const char *on_conflict, failure *why);

/* The next value of the row being given, column by column. */
void batch_int(batch *b, int64_t v);
void batch_id(batch *b, int64_t id);        /* 0: NULL */
void batch_text(batch *b, const char *s);   /* copied; NULL: NULL */
void batch_static(batch *b, const char *s); /* kept as is: a string that outlives the batch */

/* Ends the row; a full buffer goes to the writer. False once a row has
 * failed, with the first failure's reason in why (the writer's thread met
 * it, maybe rows ago). */
bool batch_row(batch *b, failure *why);

/* Stores every row given so far, and waits until they are. False, as
 * batch_row, on a failure. */
bool batch_flush(batch *b, failure *why);

/* Waits for the rows handed to the writer, drops the others, frees the
 * batch (NULL is ignored). */
void batch_free(batch *b);

#endif
