/*
 * counters.h - each semaphore's value over time, as a counter (`C`) of its
 * process named after it (`Semaphore-1`, told apart by its serial, `id`):
 * its start value when created, then the value each acquire and release
 * left it at, in the object's sequence order.
 */
#ifndef THRACE_TRACER_EXPORT_COUNTERS_H
#define THRACE_TRACER_EXPORT_COUNTERS_H

#include "doc.h"

/* Writes every semaphore's counter; false with the reason in why on a
 * database error. */
bool counters_write(doc *d, failure *why);

#endif
