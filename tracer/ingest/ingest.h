/*
 * ingest.h - the public face of tracer/ingest/: reading CTF traces with
 * libbabeltrace2 into the thrace database. ingest_paths stores whole
 * traces from disk: a graph (src.ctf.fs, then a sink of ours) feeds each
 * trace's events to the store's model, one transaction per trace. The
 * readings it is made of serve the live daemon too: decode.h (a message
 * as a model_event) and btmsg.h (UUIDs, discards, packet ends, errors),
 * and so do its watched child process (worker.h) and its finding of the
 * traces under a directory (tracedir.h).
 */
#ifndef THRACE_TRACER_INGEST_INGEST_H
#define THRACE_TRACER_INGEST_INGEST_H

#include "base.h"
#include "btmsg.h"
#include "decode.h"
#include "tracedir.h"
#include "worker.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t traces;  /* traces stored now */
    uint64_t skipped; /* traces already in the database */
    uint64_t events;
    uint64_t threads;
    uint64_t discarded;        /* events LTTng lost, as the traces report them */
    uint64_t unlocks_left_out; /* the pthread wrapper's unlocks of no traced hold (wrapstore.h) */
    int64_t begin_ns, end_ns;  /* span of the stored events (0 when none) */
} ingest_summary;

/*
 * Stores every CTF trace found under the n paths (a session's output
 * directory, or a trace's own) into the database at db_path, created if
 * needed. A trace whose UUID is already stored is skipped. progress: draw a
 * progress bar on stderr. Returns true on success; on failure nothing of
 * the failing trace is stored and why holds "PATH: reason".
 *
 * The traces are read in a child process of its own (worker.h): a trace on
 * which libbabeltrace2 hangs or aborts is a failure like any other, after
 * which the database is as it was before that trace. The caller holds no
 * connection to the database meanwhile (a connection kept open would keep
 * it in WAL mode, which costs the bulk load a second write of every page).
 */
bool ingest_paths(const char *db_path, char *const *paths, int n, bool progress,
                  ingest_summary *out, failure *why);

/*
 * Stores the one CTF trace in dir into db inside the caller's transaction,
 * as ingest_paths would, in this process: its traces row's id, or 0 with
 * "DIR: reason" in why (a trace of its UUID stored already is a failure
 * too), after which the caller rolls back. For the live daemon, which
 * replaces a live trace by the relay daemon's copy of it.
 */
int64_t ingest_trace_here(sqlite3 *db, const char *dir, failure *why);

#endif
