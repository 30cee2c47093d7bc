/*
 * ingest.h - the public face of tracer/ingest/: reading CTF traces with
 * libbabeltrace2 into the thrace database. ingest_paths stores whole
 * traces from disk: a graph (src.ctf.fs, then a sink of ours) feeds each
 * trace's events to the store's model, one transaction per trace. The
 * readings it is made of serve the live daemon too: decode.h (a message
 * as a model_event) and btmsg.h (UUIDs, discards, packet ends, errors).
 */
#ifndef THRACE_TRACER_INGEST_INGEST_H
#define THRACE_TRACER_INGEST_INGEST_H

#include "base.h"
#include "btmsg.h"
#include "decode.h"

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
 * directory, or a trace's own) into db. A trace whose UUID is already stored
 * is skipped. progress: draw a progress bar on stderr. Returns true on
 * success; on failure nothing of the failing trace is stored and why holds
 * "PATH: reason".
 */
bool ingest_paths(sqlite3 *db, char *const *paths, int n, bool progress, ingest_summary *out,
                  failure *why);

#endif
