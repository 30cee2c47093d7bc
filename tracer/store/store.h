/*
 * store.h - the public face of tracer/store/: the thrace database. db.h
 * opens it (schema.sql, created or checked) and runs statements; model.h
 * turns a trace's events into its rows, in one pass or, live, in many
 * transactions; lanecounts.h says how the timeline's counts are kept, for
 * the viewer that reads them; lockedges.h keeps the lock-order edges meanwhile.
 */
#ifndef THRACE_TRACER_STORE_STORE_H
#define THRACE_TRACER_STORE_STORE_H

#include "db.h"
#include "lanecounts.h"
#include "lockedges.h"
#include "model.h"
#include "tracerow.h"

#endif
