/*
 * query.h - the public face of tracer/query/: reading a stored trace for
 * people. logline.h tells an event as a line of the guide's logs,
 * logquery.h is the query behind `thrace log` and /api/log, statsquery.h
 * the contention figures of `thrace stats` and /api/stats, catalog.h the
 * names of a database's threads, objects and call sites, moment.h who
 * held and waited for what at a given time, evtime.h events by time,
 * wakers.h what ended a wait, losses.h what the traces lost and why,
 * hosts.h a process as reports name it.
 */
#ifndef THRACE_TRACER_QUERY_QUERY_H
#define THRACE_TRACER_QUERY_QUERY_H

#include "catalog.h"
#include "evtime.h"
#include "hosts.h"
#include "logline.h"
#include "logquery.h"
#include "losses.h"
#include "moment.h"
#include "statsquery.h"
#include "wakers.h"

#endif
