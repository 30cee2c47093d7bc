/*
 * flows.h - the arrows from what ended a wait to the thread it woke: the
 * release that handed a lock over, the notify or set that woke a wait,
 * the last arrival at a barrier, the exit of a joined thread. A flow is a
 * pair of events with one id, `s` at the waker's event on its thread and
 * `f` (bound to the enclosing slice) where the wait ended. Each waker is
 * found as the wait is written, by tracer/query's rules (wakers.h).
 */
#ifndef THRACE_TRACER_EXPORT_FLOWS_H
#define THRACE_TRACER_EXPORT_FLOWS_H

#include "doc.h"
#include "query.h"

/* A wait that ended, its thread's place on the document's tracks:
 * wait.thread_id is its threads.id, which is its tid there. */
typedef struct {
    wakers_wait wait;
    int64_t process_id;
} flows_wait;

/* Writes the flow from the waker of w (wk's rules) to w's end, when there
 * is one (not when the waker's event is missing or w's own thread ended
 * the wait: a barrier's last arrival). False with the reason in why on a
 * database error. */
bool flows_write(wakers *wk, doc *d, const flows_wait *w, failure *why);

#endif
