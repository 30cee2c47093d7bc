/*
 * decode.h - libbabeltrace2 event messages turned into what the model
 * (model.h) takes: thrace's events as model_events (the event's type,
 * time, contexts and the payload fields the model knows), and LTTng-UST's
 * statedump of the program's binaries as model_binary; and what
 * wrapstore.h turns into model_events: the calls of LTTng's pthread
 * wrapper (wrapper.h) and the process's name from the statedump.
 */
#ifndef THRACE_TRACER_INGEST_DECODE_H
#define THRACE_TRACER_INGEST_DECODE_H

#include "base.h"
#include "store.h"
#include "wrapper.h"

#include <babeltrace2/babeltrace.h>

/* The decoder of one trace's events (it learns their classes). */
typedef struct decode decode;

/* What a message decoded to. */
typedef enum {
    DECODE_OTHER,    /* nothing the model takes */
    DECODE_EVENT,    /* a thrace event: event */
    DECODE_BINARY,   /* a binary the program had loaded, or its build ID: binary */
    DECODE_WRAPPER,  /* a call LTTng's pthread wrapper traced: call */
    DECODE_PROCNAME, /* the process's name, as the statedump tells it: process */
} decode_kind;

/* The statedump's lttng_ust_statedump:procname. */
typedef struct {
    bool has_vpid;
    int64_t vpid;     /* context, when recorded */
    const char *name; /* the process's name when it registered */
} decode_process;

typedef struct {
    decode_kind kind;
    model_event event;
    model_binary binary;
    wrapper_call call;
    decode_process process;
    uint8_t build_id[64]; /* binary.build_id's bytes */
} decoded;

/* A decoder; NULL when out of memory. */
decode *decode_new(void);

/* Decodes the event message msg into *out, as out->kind says (the rest
 * untouched for DECODE_OTHER). False when out of memory (reason in why).
 * out's strings are msg's: valid while msg is. */
bool decode_event(decode *d, const bt_message *msg, decoded *out, failure *why);

/* Frees it (NULL is ignored). */
void decode_free(decode *d);

#endif
