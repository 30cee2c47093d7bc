/*
 * marks.h - the moments of an event's or a condition's own in a window,
 * for /api/window: an event's sets and clears (and whether it was set at
 * the window's start), a condition's notifies, a barrier's aborts and
 * resets. Marks of one name in one pixel come as one, the first, with how
 * many it stands for.
 */
#ifndef THRACE_VIEWER_MARKS_H
#define THRACE_VIEWER_MARKS_H

#include "lod.h"

#include <jansson.h>
#include <sqlite3.h>

/* Events of the object examined, per pixel of the window, before the
 * marks stop (marks_truncated). */
enum { MARKS_SCAN_PER_PX = 8, MARKS_LOOKBACK = 10000 };

/*
 * Sets "marks" and "marks_truncated" (API.md) of lane_json when object is
 * an event, a condition or a barrier, and for an event "set_at_t0" (true,
 * false; null when no set or clear is among the MARKS_LOOKBACK events
 * before the window, and there were more); leaves other lanes alone. False on
 * a database error or when out of memory.
 */
bool marks_add(sqlite3 *db, const lod_window *w, int64_t object, json_t *lane_json);

#endif
