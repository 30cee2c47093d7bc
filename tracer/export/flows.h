/*
 * flows.h - the arrows from what ended a wait to the thread it woke: the
 * release that handed a lock over, the notify or set that woke a wait,
 * the last arrival at a barrier, the exit of a joined thread. A flow is a
 * pair of events with one id, `s` at the waker's event on its thread and
 * `f` (bound to the enclosing slice) where the wait ended. Each waker is
 * a few index lookups (events_by_object), found as the wait is written.
 */
#ifndef THRACE_TRACER_EXPORT_FLOWS_H
#define THRACE_TRACER_EXPORT_FLOWS_H

#include "doc.h"
#include "vocabulary.h"

typedef struct flows flows;

/* A wait that ended: its interval's columns, and its thread's place (tid:
 * its threads.id, as on the document's tracks). */
typedef struct {
    vocab_state state;
    int64_t object_id, end_seq; /* intervals.object_id, end_seq; -1 for NULL */
    int64_t peer_thread_id;     /* intervals.peer_thread_id: the joined thread */
    int64_t end_ns, process_id, tid;
} flows_wait;

/* The lookups over d's database, prepared once; NULL with the reason in why. */
flows *flows_new(doc *d, failure *why);
void flows_free(flows *f);

/* Whether an interval of state, ended with outcome, is a wait something woke. */
bool flows_is_wakeup(vocab_state state, const char *outcome);

/* Writes the flow from the waker of w to w's end, when there is one (not
 * when the waker's event is missing or w's own thread ended the wait: a
 * barrier's last arrival). False with the reason in why on a database error. */
bool flows_write(flows *f, doc *d, const flows_wait *w, failure *why);

#endif
