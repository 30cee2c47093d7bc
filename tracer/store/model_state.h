/*
 * model_state.h - the model's private state (model.h's `struct model`),
 * shared by the files that build it: model.c, which stores events, and
 * model_resume.c, which rebuilds it from a live trace's rows.
 *
 * Everything a keymap holds is also in one of the vectors, which own it.
 */
#ifndef THRACE_TRACER_STORE_MODEL_STATE_H
#define THRACE_TRACER_STORE_MODEL_STATE_H

#include "model.h"

#include "base.h"
#include "batch.h"
#include "detail.h"
#include "intervals.h"

#include <stddef.h>

typedef struct model_thread {
    int64_t id;
    char *name; /* NULL while it is known only by its id */
} model_thread;

typedef struct {
    int64_t id, pid, last_ns;
    model_thread *last_thread; /* the last to emit: whose a callsite is, lacking vtid */
} model_process;

typedef struct {
    int64_t id, process_id, serial, param;
    int kind;
    bool has_param;
    char *name;          /* the given name, or NULL */
    int64_t lock_serial; /* a condition's lock not met yet, or 0 */
} model_object;

typedef struct {
    void **items;
    size_t n, cap;
} model_vec;

/* The model's prepared statements (model.c's model_sql). */
enum {
    ST_PROCESS,
    ST_PROCESS_END,
    ST_THREAD,
    ST_THREAD_START,
    ST_THREAD_RENAME,
    ST_THREAD_EXIT,
    ST_THREAD_NAME,
    ST_OBJECT,
    ST_OBJECT_UPDATE,
    ST_CALLSITE,
    ST_LOG,
    ST_DISCARD,
    ST_LAST_INTERVAL,
    ST_REOPEN,
    ST_LIVE,
    ST_COUNT
};

struct model {
    sqlite3 *db;
    int64_t trace_id;
    sqlite3_stmt *st[ST_COUNT];
    batch_writer *writer;
    batch *events; /* the events rows, many per INSERT */
    intervals *iv;
    keymap processes; /* (vpid, 0) */
    keymap threads;   /* (process id, tid) */
    keymap natives;   /* (process id, vtid): a thread by its kernel id */
    keymap objects;   /* (process id, obj) */
    keymap sites;     /* (process id, site): the callsites row id */
    model_process *last_process;
    model_vec all_processes, all_threads, all_objects;
    detail_buf detail;
    model_totals totals;
    int64_t packets_end_ns; /* the latest end of a packet, or of a checkpoint's edge */
    int64_t edge_ns;        /* the last checkpoint's edge */
    /* The intervals rows that the last checkpoint wrote for the intervals
     * still open (provisional: model_reopen deletes them); 0 and 0: none. */
    int64_t provisional_first, provisional_last;
};

/* Allocates size zeroed bytes owned by v; NULL when out of memory (reason in why). */
void *model_alloc(model_vec *v, size_t size, failure *why);

/* An object's name, the given one or made from its kind and serial (Lock-1), into buf. */
const char *model_object_name(const model_object *o, char *buf, size_t size);

#endif
