/*
 * model.h - a trace's events turned into the rows of schema.sql: processes,
 * threads and their names, objects, call sites, events, log lines, discards,
 * and (through intervals.h) what each thread was doing when.
 *
 * The model knows nothing of libbabeltrace2: ingest.c decodes each event into
 * a model_event (its type, time, contexts and payload fields by name), and
 * each binary the program had loaded into a model_binary, and hands them
 * over in time order, inside the transaction that stores the trace.
 */
#ifndef THRACE_TRACER_STORE_MODEL_H
#define THRACE_TRACER_STORE_MODEL_H

#include "base.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef union {
    int64_t i;
    double d;
    const char *s; /* borrowed for the duration of model_add */
} model_value;

/* A set of fields, a bit per field. */
typedef uint64_t model_fields;
#define MODEL_FIELD(f) ((model_fields)1 << (f))
_Static_assert(VOCAB_F_COUNT <= 64, "model_fields has a bit per field");

/* One decoded event. `present` has bit f set when field f was decoded. */
typedef struct {
    vocab_event type; /* VOCAB_EV_NONE: not a thrace event, ignored */
    int64_t ts;       /* nanoseconds since the Unix epoch */
    bool has_vpid, has_vtid;
    int64_t vpid, vtid;   /* contexts, when recorded */
    const char *procname; /* context, or NULL */
    model_fields present;
    model_value f[VOCAB_F_COUNT];
} model_event;

/*
 * A binary a process had loaded, as LTTng-UST's statedump tells it at the
 * program's registration (lttng_ust_statedump:bin_info, then its build_id
 * in an event of its own): what names the addresses of programs traced
 * through the pthread interposer (tracer/symbols/). Not an event: no
 * events row, no process row.
 */
typedef struct {
    bool has_vpid;
    int64_t vpid;            /* context, when recorded */
    uint64_t base, size;     /* where its first loadable segment was loaded; bytes spanned */
    const char *path;        /* bin_info's; NULL: the build ID of the binary at base */
    const uint8_t *build_id; /* with path NULL: build_id_len bytes */
    size_t build_id_len;
} model_binary;

/* What a stored trace holds, for the traces row and the summary. */
typedef struct {
    uint64_t events, threads;
    uint64_t discarded;       /* lost by LTTng (model_discard's MODEL_LOSS_LTTNG) */
    uint64_t unread;          /* not read by the daemon (MODEL_LOSS_UNREAD) */
    int64_t begin_ns, end_ns; /* first and last event; 0 when none */
} model_totals;

/* Why events are missing (discards.cause). */
typedef enum {
    MODEL_LOSS_LTTNG,  /* LTTng's ring buffer was full: a discarded-events notice */
    MODEL_LOSS_UNREAD, /* `thrace daemon` did not read them (down, or reattached) */
} model_loss;

typedef struct model model;

/* A model storing into db for the traces row trace_id; NULL when out of memory
 * or when a statement does not prepare (reason in why). */
model *model_new(sqlite3 *db, int64_t trace_id, failure *why);

/* Stores one event (given in time order); false on a database error or
 * when out of memory (reason in why). */
bool model_add(model *m, const model_event *e, failure *why);

/* Names process vpid as LTTng-UST's statedump tells it
 * (lttng_ust_statedump:procname), unless its events' procname context named
 * it first: `thrace record` adds no procname context to every event. False
 * on a database error or when out of memory (reason in why). */
bool model_process_name(model *m, int64_t vpid, const char *name, failure *why);

/* Stores a binary (a binaries row, or its build ID) and learns it: the
 * process's call sites that no callsite event describes are resolved from
 * its binaries from now on, and its objects with an address are named by
 * them. False on a database error or when out of memory (reason in why). */
bool model_add_binary(model *m, const model_binary *b, failure *why);

/* Stores a gap: count events lost for cause in [begin_ns, end_ns]
 * (has_range false: unknown range). False on a database error (reason in
 * why). */
bool model_discard(model *m, model_loss cause, bool has_range, int64_t begin_ns, int64_t end_ns,
                   uint64_t count, failure *why);

/* Writes totals (model_finish's, or a live checkpoint's) into the traces
 * row, with live. False on a database error (reason in why). */
bool model_store_totals(model *m, const model_totals *totals, bool live, failure *why);

/* A packet of the trace ended at ns: the trace ends no earlier (see model_finish). */
void model_packet_end(model *m, int64_t ns);

/* Ends the trace: closes open intervals as 'unfinished' at the last event,
 * completes processes and objects; fills *out. False on a database error
 * (reason in why). */
bool model_finish(model *m, model_totals *out, failure *why);

/*
 * Live storing (`thrace daemon`): a trace stored in many transactions, each
 * committed after a checkpoint, so that readers see it whole up to its
 * live edge while it is still being recorded.
 *
 * model_checkpoint: flushes every row given so far, writes each interval
 * still open as 'unfinished' ending at the edge (provisional rows: the next
 * model_reopen deletes them, the model keeps them open), completes
 * processes' and conditions' rows as model_finish would, and updates the
 * traces row (begin_ns, end_ns = the edge, events, discarded, live = 1).
 * The edge is edge_ns, but never before the last event nor an earlier
 * checkpoint's edge; the recording lasted at least until then, as until a
 * packet's end (model_packet_end): model_finish's end is no earlier. The
 * caller commits after it. Another model may share the connection, even
 * its writer thread writing meanwhile, if one thread makes every model's
 * checkpoint, reopen and finish calls. False on a database error (reason
 * in why).
 */
bool model_checkpoint(model *m, int64_t edge_ns, failure *why);

/* The ids of the provisional intervals the last checkpoint wrote, when
 * no model_reopen has deleted them since (else 0 and 0): the intervals
 * open at the edge. */
void model_provisional(const model *m, int64_t *first, int64_t *last);

/* Deletes the provisional intervals of the last checkpoint (nothing when
 * there was none since), a range of row ids: call it in the next
 * transaction, before any model_add, model_checkpoint or model_finish.
 * False on a database error (reason in why). */
bool model_reopen(model *m, failure *why);

/*
 * A model continuing trace_id where its last committed checkpoint left it,
 * in a new process (a daemon restarted), as if it had never stopped:
 * model_finish then stores what one pass would have. Processes, threads,
 * objects and call sites are looked up from their rows, the totals from
 * the traces row (its end_ns as the last checkpoint's edge), and the
 * provisional intervals are held open again and deleted, as model_reopen
 * would. Call it inside a transaction; it scans the trace's intervals
 * (0.3 s for a trace of a million events). NULL when out of memory, when
 * the trace is not stored ("no such trace"), or on a database error
 * (reason in why).
 */
model *model_resume(sqlite3 *db, int64_t trace_id, failure *why);

/* Frees the model (NULL is ignored). */
void model_free(model *m);

#endif
