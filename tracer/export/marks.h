/*
 * marks.h - the trace's moments as instant events (`i`): each log line on
 * its thread (its text the name, its level an arg), and each gap, named by
 * its cause (`LTTng discarded 12 events`, `thrace daemon did not read 5
 * events`, `the stream was cut`), as a global instant across every track,
 * so that a gap in the picture says why.
 */
#ifndef THRACE_TRACER_EXPORT_MARKS_H
#define THRACE_TRACER_EXPORT_MARKS_H

#include "doc.h"

/* Writes every log line and every discard; false with the reason in why
 * on a database error. */
bool marks_write(doc *d, failure *why);

#endif
