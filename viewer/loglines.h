/*
 * loglines.h - the lanes' threads' log lines in a window, for /api/window.
 * Zoomed in, the lines themselves, the first LOGLINES_MAX; zoomed out
 * (pixels at least a bucket of the store's counts wide), one entry a thread
 * and pixel, the first line of those it stands for with how many they are,
 * so that the marks cover the whole window whatever its length.
 */
#ifndef THRACE_VIEWER_LOGLINES_H
#define THRACE_VIEWER_LOGLINES_H

#include "lod.h"
#include "params.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

/* Entries of an answer, at most. */
enum { LOGLINES_MAX = 2000 };

/* The "logs" array of /api/window (API.md) for the threads' lines in w;
 * *truncated tells whether lines were left out (only zoomed in: zoomed
 * out, every line is counted). NULL on a database error or when out of
 * memory. */
json_t *loglines_json(sqlite3 *db, const lod_window *w, const params_ids *threads, bool *truncated);

#endif
