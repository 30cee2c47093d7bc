/*
 * statedump.h - LTTng-UST's statedump events as model_binary (model.h):
 * lttng_ust_statedump:bin_info (a binary the program had loaded: baddr,
 * memsz, path) and lttng_ust_statedump:build_id (its build ID, by baddr),
 * which LTTng-UST emits when the program registers with a session that
 * enables them; and lttng_ust_statedump:procname (the process's name then),
 * which names the threads of LTTng's pthread wrapper (wrapstore.h). What a
 * class holds is worked out once, as decode.c does for thrace's events.
 */
#ifndef THRACE_TRACER_INGEST_STATEDUMP_H
#define THRACE_TRACER_INGEST_STATEDUMP_H

#include "store.h"

#include <babeltrace2/babeltrace.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    STATEDUMP_NONE,
    STATEDUMP_BIN_INFO,
    STATEDUMP_BUILD_ID,
    STATEDUMP_PROCNAME
} statedump_which;

/* Where an event class of the statedump keeps what we read. */
typedef struct {
    statedump_which which;                           /* STATEDUMP_NONE: not one we read */
    uint64_t baddr, memsz, path, build_id, procname; /* members' indexes in the payload */
} statedump_layout;

/* The layout of the event class named name, whose payload is payload; a
 * class of another name, or whose members are not what LTTng-UST 2.13
 * writes, is STATEDUMP_NONE. */
statedump_layout statedump_layout_of(const char *name, const bt_field_class *payload);

/* Reads payload as l says into b (its path, or its build ID into id, at
 * most size bytes); b's contexts are the caller's. b's strings are the
 * payload's, and its build ID id's. */
void statedump_read(const statedump_layout *l, const bt_field *payload, model_binary *b,
                    uint8_t *id, size_t size);

/* The process's name in a STATEDUMP_PROCNAME payload (the payload's string). */
const char *statedump_procname(const statedump_layout *l, const bt_field *payload);

#endif
