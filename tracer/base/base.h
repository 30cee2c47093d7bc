/*
 * base.h - the public face of tracer/base/: what every tracer library and
 * the viewer build on. failure.h is the one way a fallible call says why
 * it failed ("object: reason", one line); escape.h writes text that is not
 * ours with its control characters escaped; grow.h grows arrays by doubling;
 * keymap.h is the hash map from a
 * pair of ids to a pointer that the store, the queries, the analyses and
 * the live daemon look rows up with.
 */
#ifndef THRACE_TRACER_BASE_BASE_H
#define THRACE_TRACER_BASE_BASE_H

#include "escape.h"
#include "failure.h"
#include "grow.h"
#include "keymap.h"

#endif
