/*
 * slices.h - the intervals as complete events (`X`), twice: on their
 * thread's track, named for what the thread did (`waiting for Lock-1`,
 * `holding Lock-1`, `joining Thread-2`, `running`, ...), with the flows
 * of the waits something woke; and on their object's track, named for
 * who did it (`held by Thread-1`, `waited for by Thread-2`), so that a
 * lock's track shows who held it when. Each interval's state is its
 * category (`cat`); its args hold the object's kind, the outcome
 * (`unfinished` for an interval still open when the trace ended, drawn to
 * the trace's end) and the call site.
 */
#ifndef THRACE_TRACER_EXPORT_SLICES_H
#define THRACE_TRACER_EXPORT_SLICES_H

#include "doc.h"

/* Writes every interval on its thread's track, with the flows. False with
 * the reason in why on a database error or when out of memory. */
bool slices_threads(doc *d, failure *why);

/* Writes every interval on an object on its object's track (a track per
 * object, named `Lock-1 (lock)`). False as slices_threads. */
bool slices_objects(doc *d, failure *why);

#endif
