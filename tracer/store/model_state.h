/*
 * model_state.h - the model's private state (model.h's `struct model`),
 * shared by the files that build it: model.c, which stores events,
 * model_names.c, which names what the binaries name, model_frames.c, which
 * stores the callers of call sites, and model_resume.c, which rebuilds it
 * from a live trace's rows.
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
#include "logcounts.h"
#include "markcounts.h"
#include "summary.h"
#include "symbols.h"

#include <stddef.h>

typedef struct model_thread {
    int64_t id;
    char *name; /* NULL while it is known only by its id */
} model_thread;

typedef struct {
    int64_t id, pid, last_ns;  /* id 0: no row yet, only a name told */
    bool named;                /* its row has a name */
    char told[32];             /* the statedump's name, told before its first event */
    model_thread *last_thread; /* the last to emit: whose a callsite is, lacking vtid */
} model_process;

typedef struct {
    int64_t id, process_id, serial, param;
    int kind;
    bool has_param;
    char *name;          /* the given name, or NULL */
    int64_t lock_serial; /* a condition's lock not met yet, or 0 */
    uint64_t addr;       /* a pthread object's address, or 0 (libthrace's own objects) */
    char *derived;       /* with an address: its data symbol, or Kind-N@site; NULL until known */
    bool awaits_site;    /* with an address and no symbol: named after its first call site */
    char *symbol;        /* a libthrace object's variable (its value's data symbol), or NULL */
} model_object;

/* A call site of a process: its callsites row (id 0: nothing describes
 * it, nor could resolve it) and how an object's name tells it. */
typedef struct {
    int64_t id;
    char *where; /* "cache.c:42", or "prog+0x11af" without a line; NULL when id is 0 */
} model_site;

typedef struct {
    void **items;
    size_t n, cap;
} model_vec;

/* The model's prepared statements (model.c's model_sql). */
enum {
    ST_PROCESS,
    ST_PROCESS_END,
    ST_PROCESS_NAME,
    ST_THREAD,
    ST_THREAD_START,
    ST_THREAD_RENAME,
    ST_THREAD_EXIT,
    ST_THREAD_NAME,
    ST_OBJECT,
    ST_OBJECT_UPDATE,
    ST_OBJECT_MADE,
    ST_CALLSITE,
    ST_FRAME,
    ST_BINARY,
    ST_BUILD_ID,
    ST_DISCARD,
    ST_LAST_INTERVAL,
    ST_REOPEN,
    ST_TOTALS,
    ST_COUNT
};

struct model {
    sqlite3 *db;
    int64_t trace_id;
    sqlite3_stmt *st[ST_COUNT];
    batch_writer *writer;
    batch *events;         /* the events rows, many per INSERT */
    batch *logs;           /* the logs rows */
    logcounts *log_counts; /* the log lines counted */
    markcounts *marks;     /* the timeline's marks counted */
    intervals *iv;
    summary *summary; /* object_stats and thread_stats, written at finish and checkpoints */
    lockedges *edges; /* the lock-order edges, which iv tells */
    keymap processes; /* (vpid, 0) */
    keymap threads;   /* (process id, tid) */
    keymap natives;   /* (process id, vtid): a thread by its kernel id */
    keymap objects;   /* (process id, obj) */
    keymap sites;     /* (process id, site) -> model_site */
    model_process *last_process;
    model_vec all_processes, all_threads, all_objects, all_sites;
    symbols *symbols;   /* the processes' binaries, which name addresses */
    int64_t binary_row; /* the binaries row last stored, for its build ID */
    int64_t binary_pid; /* ... and its process and base */
    uint64_t binary_base;
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

/* An object's name: the given one, else its derived one, else made from
 * its kind and serial (Lock-1) into buf. */
const char *model_object_name(const model_object *o, char *buf, size_t size);

/* Runs statement s (model.c's model_sql) with its parameters as fmt says
 * (db_bindv's letters); false on a database error (reason in why). */
bool model_run(model *m, int s, failure *why, const char *fmt, ...);

/* model_run for an INSERT ... RETURNING id: the new row's id, 0 on failure. */
int64_t model_insert(model *m, int s, failure *why, const char *fmt, ...);

/* Writes the object's row as the object now is: kind, name, param, address. */
bool model_object_store(model *m, const model_object *o, failure *why);

/* ---- model_names.c: what the binaries name ---- */

/* A binary pid had loaded (a binaries row, or a resumed trace's) handed
 * to the symbols; build_id (lowercase hex) may be NULL. False when out of
 * memory (reason in why). */
bool model_names_binary(model *m, int64_t pid, uint64_t base, uint64_t size, const char *path,
                        const char *build_id, failure *why);

/* Keeps the site of process process_id as a model_site (*out): its
 * callsites row id (0: none describes it, nor resolves it) and, from
 * file and line, how an object's name tells it. False when out of memory
 * (reason in why). */
bool model_names_site_put(model *m, int64_t process_id, int64_t site, int64_t id, const char *file,
                          int line, model_site **out, failure *why);

/* The site e, emitted by t, was made at: *out NULL when e has none; its
 * row described by a callsite event (t's stack, when e names t), or
 * resolved from the process's binaries; a site neither describes has id 0.
 * False on a failure (reason in why). */
bool model_names_site(model *m, model_process *p, const model_thread *t, const model_event *e,
                      model_site **out, failure *why);

/* ---- model_frames.c: the callers of call sites ---- */

/* The callers a callsite event e tells (its callers field, return
 * addresses), resolved from the process's binaries, as site_frames rows
 * of the callsites row site_id: those past the frame of the site's own
 * function, up to 8, ending at main or at the first without a line. False
 * on a database error or when out of memory (reason in why). */
bool model_frames_store(model *m, const model_process *p, int64_t site_id, const model_event *e,
                        failure *why);

/* object_create told o's address: o is named by its data symbol, or
 * awaits its first call site. False when out of memory (reason in why). */
bool model_names_object(model *m, model_process *p, model_object *o, uint64_t addr, failure *why);

/* object_create told the address of a libthrace object's value: o's symbol
 * is the variable there (cache_lock, a static local's source name), shown
 * beside its name, which stays Lock-1. False when out of memory (reason in
 * why). */
bool model_names_variable(model *m, model_process *p, model_object *o, uint64_t var, failure *why);

/* object_create told the return address of the libthrace init that made o:
 * o's made_site is that call site, resolved from the process's binaries
 * (left NULL when they cannot). False on a failure (reason in why). */
bool model_names_made(model *m, model_process *p, const model_object *o, uint64_t made,
                      failure *why);

/* An event on o made at site: o, awaiting its first site, is named after
 * it (Lock-3@cache.c:42) and its row written. False on a failure (reason
 * in why). */
bool model_names_first_site(model *m, model_object *o, const model_site *site, failure *why);

#endif
