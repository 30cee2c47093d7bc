/*
 * wrapper.h - the events of LTTng-UST's pthread wrapper
 * (liblttng-ust-pthread-wrapper.so, provider lttng_ust_pthread) read as
 * the calls they trace: pthread_mutex_lock_req (payload: mutex), then
 * pthread_mutex_lock_acq, pthread_mutex_trylock and pthread_mutex_unlock
 * (mutex, status: what the call returned). LTTng-UST 2.13 passes the
 * caller's return address to each tracepoint but records it only as the
 * ip context (`lttng add-context -u -t ip`), never in the payload:
 * decode.c reads it with the other contexts. What a class holds is worked
 * out once, as for the statedump (statedump.h).
 */
#ifndef THRACE_TRACER_INGEST_WRAPPER_H
#define THRACE_TRACER_INGEST_WRAPPER_H

#include <babeltrace2/babeltrace.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    WRAPPER_NONE,
    WRAPPER_LOCK_REQ, /* about to call pthread_mutex_lock */
    WRAPPER_LOCK_ACQ, /* pthread_mutex_lock returned status */
    WRAPPER_TRYLOCK,  /* pthread_mutex_trylock returned status */
    WRAPPER_UNLOCK,   /* pthread_mutex_unlock returned status (traced after the unlock) */
} wrapper_which;

/* Where an event class of the wrapper keeps what we read. */
typedef struct {
    wrapper_which which;   /* WRAPPER_NONE: not one we read */
    uint64_t mutex;        /* members' indexes in the payload */
    uint64_t status;       /* WRAPPER_LOCK_REQ has none */
    bool status_is_signed; /* as LTTng-UST writes it (an int) */
} wrapper_layout;

/* One traced call, with its event's time and contexts. */
typedef struct {
    wrapper_which which;
    const char *event; /* the event's name, lttng_ust_pthread:... */
    int64_t ts;        /* nanoseconds since the Unix epoch */
    bool has_vtid, has_vpid, has_ip;
    int64_t vtid, vpid;   /* contexts, when recorded */
    uint64_t ip;          /* context: the caller's return address */
    const char *procname; /* context (the thread's name), or NULL */
    uint64_t mutex;       /* the pthread_mutex_t's address */
    int64_t status;       /* what the call returned; 0 for WRAPPER_LOCK_REQ */
} wrapper_call;

/* The layout of the event class named name, whose payload is payload; a
 * class of another name, or whose members are not what LTTng-UST 2.13
 * writes, is WRAPPER_NONE. */
wrapper_layout wrapper_layout_of(const char *name, const bt_field_class *payload);

/* Reads payload as l says into c's mutex and status (its other members
 * are the caller's). */
void wrapper_read(const wrapper_layout *l, const bt_field *payload, wrapper_call *c);

#endif
