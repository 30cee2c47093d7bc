/*
 * catalog.h - the small tables of a thrace database held in memory for
 * reports: threads (with their process's pid, host and trace's start),
 * objects, call sites and their callers. Reports name rows through it: a
 * thread by its last name, its process as "pid 4242" (hosts.h: "pid 4242
 * on hostB" when the traces come from several hosts), an object by its
 * name, a call site as "file.c:42 in f()" and the lines of its callers
 * under it, a moment as seconds since its trace began. Loaded once;
 * read-only afterwards.
 */
#ifndef THRACE_TRACER_QUERY_CATALOG_H
#define THRACE_TRACER_QUERY_CATALOG_H

#include "base.h"
#include "store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    int64_t id, process_id, pid, trace_begin_ns;
    int64_t end_ns; /* 0: still running when the trace ended */
    bool daemon;
    char *name;
    char *host; /* its trace's hostname, NULL when unknown */
} catalog_thread;

typedef struct {
    int64_t id, process_id, param;
    vocab_kind kind; /* VOCAB_KIND_NONE for a kind not in the vocabulary */
    char *name;
} catalog_object;

typedef struct catalog_site {
    char *file;
    int line;
    char *func;
    struct catalog_site *callers; /* its site_frames, innermost first (none have callers) */
    size_t ncallers;
    int64_t thread_id; /* whose stack callers is; 0: not known (schema 8 and older) */
} catalog_site;

typedef struct {
    catalog_thread *threads;
    size_t nthreads, threads_cap;
    catalog_object *objects;
    size_t nobjects, objects_cap;
    keymap thread_by_id, object_by_id, site_by_id;
    bool several_hosts; /* the traces come from more than one host (hosts.h) */
} catalog;

/* Loads db's threads, objects and call sites; false with sqlite's reason
 * (or "out of memory") in why. A zeroed catalog may be freed. */
bool catalog_load(sqlite3 *db, catalog *c, failure *why);

void catalog_free(catalog *c);

/* The thread or object with that id, or NULL. */
const catalog_thread *catalog_thread_of(const catalog *c, int64_t id);
const catalog_object *catalog_object_of(const catalog *c, int64_t id);

/* "Thread-1", or "thread #ID" for an id the catalog lacks. */
const char *catalog_thread_name(const catalog *c, int64_t id, char *buf, size_t size);
const char *catalog_object_name(const catalog *c, int64_t id, char *buf, size_t size);

/* The process of thread id as hosts_process names it, "pid 4242" or
 * "pid 4242 on hostB"; "an unknown process" for an id the catalog lacks. */
const char *catalog_process(const catalog *c, int64_t thread_id, char *buf, size_t size);

/* "abba.c:22 in worker_a()", or "an unknown site". */
const char *catalog_site_text(const catalog *c, int64_t site_id, char *buf, size_t size);

/* The site site_id when its callers are thread_id's stack (or a stack
 * whose thread was not recorded), else NULL: the callers are the first
 * thread's to reach the site, and another thread may have come another
 * way. */
const catalog_site *catalog_site_callers_of(const catalog *c, int64_t site_id, int64_t thread_id);

/* Under a report's line that names site_id, reached by thread_id, at
 * indent spaces: the callers of that site, a line each indented 2 more:
 * "called from bank.c:20 in transfer()". Nothing for a site without
 * (site_frames has none), nor when they are another thread's stack. */
void catalog_site_callers(const catalog *c, int64_t site_id, int64_t thread_id, int indent,
                          FILE *out);

/* The lines a hold spans, from the site it was taken at to the one it was
 * released at: "jobq.c:42-44" ("jobq.c:42" when both are one line or the
 * second is unknown, "a.c:42-b.c:7" across files). */
const char *catalog_site_range(const catalog *c, int64_t from_id, int64_t to_id, char *buf,
                               size_t size);

/* ts as seconds since the trace of thread_id began: "1.206042 s". */
const char *catalog_when(const catalog *c, int64_t thread_id, int64_t ts, char *buf, size_t size);

#endif
