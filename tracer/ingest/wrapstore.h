/*
 * wrapstore.h - the calls LTTng's pthread wrapper traced (wrapper.h),
 * stored as thrace's own mutex events, in the shape the pthread
 * interposer gives them: per process, a thread for each vtid (its
 * thread_start made up when it first calls), a Lock for each mutex
 * address (its object_create, with the address, when first seen), then
 * acquire_begin, acquire_end and release with the objects' sequence
 * numbers and the ip context as the call site. The rules, and what the
 * wrapper cannot tell, are in wrapstore.c and tracer/ingest/README.md.
 *
 * One wrapstore per trace, fed in time order beside the model it stores
 * into: the statedump's binaries and process names, the wrapper's calls,
 * and every thrace event (a process with both is refused: its calls
 * would be counted twice).
 */
#ifndef THRACE_TRACER_INGEST_WRAPSTORE_H
#define THRACE_TRACER_INGEST_WRAPSTORE_H

#include "base.h"
#include "store.h"
#include "wrapper.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct wrapstore wrapstore;

/* A wrapstore storing into m; NULL when out of memory. */
wrapstore *wrapstore_new(model *m);

/* A binary process vpid had loaded (bin_info): the calls made from
 * LTTng-UST's and liburcu's own code are left out, as the interposer
 * leaves them out. False when out of memory (reason in why). */
bool wrapstore_binary(wrapstore *ws, const model_binary *b, failure *why);

/* The statedump's name of process vpid, which its threads' procname
 * contexts are told apart from. False when out of memory (reason in why). */
bool wrapstore_process_name(wrapstore *ws, int64_t vpid, const char *name, failure *why);

/* Stores the call c as model events. False when it lacks the vtid or vpid
 * context, when its process has thrace events too, or on the model's
 * failure (reason in why). */
bool wrapstore_call(wrapstore *ws, const wrapper_call *c, failure *why);

/* A thrace event of process e->vpid, about to be stored: false when that
 * process has wrapper calls stored (reason in why). */
bool wrapstore_thrace(wrapstore *ws, const model_event *e, failure *why);

/* The unlocks left out so far: failed ones, and those of a mutex the
 * trace shows the thread did not hold. */
uint64_t wrapstore_left_out(const wrapstore *ws);

/* Frees it (NULL is ignored). */
void wrapstore_free(wrapstore *ws);

#endif
