/*
 * semvalue.h - a semaphore lane's value over a window, for /api/window:
 * the permits in use (its holds) and the threads waiting for one, as the
 * steps of a chart.
 */
#ifndef THRACE_VIEWER_SEMVALUE_H
#define THRACE_VIEWER_SEMVALUE_H

#include "lod.h"

#include <jansson.h>
#include <sqlite3.h>

/* Sampled windows are read at this many moments at most. */
enum { SEMVALUE_SAMPLES = 256 };

/*
 * Sets "values" (API.md) and "values_sampled" of lane_json when object is
 * a semaphore or a bounded semaphore, lane being its lod answer in w;
 * leaves other lanes alone. Exact, from the lane's own intervals, when
 * they are all there (no bucket, not truncated); otherwise sampled at
 * SEMVALUE_SAMPLES moments, each a count per level present. False on a
 * database error or when out of memory.
 */
bool semvalue_add(sqlite3 *db, const lod_window *w, int64_t object, const lod_lane *lane,
                  json_t *lane_json);

#endif
