/*
 * decode.h - libbabeltrace2 event messages turned into model_events (model.h):
 * the event's type, time, contexts and the payload fields the model knows.
 */
#ifndef THRACE_TRACER_INGEST_DECODE_H
#define THRACE_TRACER_INGEST_DECODE_H

#include "base.h"
#include "store.h"

#include <babeltrace2/babeltrace.h>

/* The decoder of one trace's events (it learns their classes). */
typedef struct decode decode;

/* A decoder; NULL when out of memory. */
decode *decode_new(void);

/* Decodes the event message msg into *e (e->type is VOCAB_EV_NONE, and the
 * rest untouched, for an event that is not thrace's). False when out of
 * memory (reason in why). e's strings are msg's: valid while msg is. */
bool decode_event(decode *d, const bt_message *msg, model_event *e, failure *why);

/* Frees it (NULL is ignored). */
void decode_free(decode *d);

#endif
