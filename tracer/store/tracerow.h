/*
 * tracerow.h - a stored trace as a whole: dropped with every row that
 * belongs to it (so that another reading of the same trace can take its
 * place), or marked cut (nothing of it is known after its end).
 */
#ifndef THRACE_TRACER_STORE_TRACEROW_H
#define THRACE_TRACER_STORE_TRACEROW_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

/* Inside a transaction: deletes the traces row trace_id and every row
 * of its processes, threads, objects, events, intervals, summaries, ...
 * False on a database error (reason in why). */
bool tracerow_drop(sqlite3 *db, int64_t trace_id, failure *why);

/* Inside a transaction: the trace's stream was cut at its end (end_ns): a
 * discards row of cause 'cut' there, traces.cut_ns set, live = 0. Once
 * only. False on a database error (reason in why). */
bool tracerow_cut(sqlite3 *db, int64_t trace_id, failure *why);

#endif
