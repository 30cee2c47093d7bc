/*
 * btmsg.h - what `thrace ingest` (ingest.c), `thrace daemon` (follow.c)
 * and the relay daemon's session list (livelist.c) read from
 * libbabeltrace2: an event class's payload members, a trace's identity, its discard notices and
 * packet ends, clock snapshots, component parameters, and error reasons as failures.
 */
#ifndef THRACE_TRACER_INGEST_BTMSG_H
#define THRACE_TRACER_INGEST_BTMSG_H

#include "base.h"
#include "store.h"

#include <babeltrace2/babeltrace.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The class of the payload structure's member named name, when its type
 * is type or a kind of it (unsigned integers cover enumerations), its
 * index in *index; NULL when there is no such member. */
const bt_field_class *btmsg_member(const bt_field_class *payload, const char *name,
                                   bt_field_class_type type, uint64_t *index);

/* A string field's value, "" when it is empty: libbabeltrace2 2.0 sets a
 * reused field's length to 0 for an empty string but leaves the previous
 * value's bytes, which bt_field_string_get_value returns. */
const char *btmsg_string(const bt_field *f);

/* The trace's key, its UUID as text; a trace without one (hand-made) is
 * keyed "path:" + where. */
void btmsg_uuid(const bt_trace *trace, const char *where, char *out, size_t size);

/* A UUID's 16 bytes as btmsg_uuid writes them (lowercase, dashed). */
void btmsg_uuid_text(const uint8_t u[16], char *out, size_t size);

/* The trace's "hostname" environment entry, or NULL. */
const char *btmsg_hostname(const bt_trace *trace);

/* The snapshot's nanoseconds from the clock's origin; false when it has none. */
bool btmsg_snapshot_ns(const bt_clock_snapshot *snap, int64_t *ns);

/* Hands a discarded-events or discarded-packets message to the model (a
 * lost packet lost one event at least); false on the model's failure
 * (reason in why). */
bool btmsg_discarded(model *m, const bt_message *msg, failure *why);

/* A packet-end message's time, when its stream class gives one. */
bool btmsg_packet_end(const bt_message *msg, int64_t *ns);

/* {inputs: [input]}: the parameters of src.ctf.fs and src.ctf.lttng-live
 * (and of their queries); NULL when out of memory. */
bt_value *btmsg_inputs(const char *input);

/*
 * A simple sink's consume step: takes the next batch of messages from it
 * and hands each to handle(data, msg) in order, until one returns false,
 * which ends the graph (the caller keeps why). Returns the status the
 * consume function returns.
 */
bt_graph_simple_sink_component_consume_func_status
btmsg_consume(bt_message_iterator *it, bool (*handle)(void *data, const bt_message *msg),
              void *data);

/* Takes the current thread's libbabeltrace2 error and writes its root
 * cause (which says what was wrong, rather than which layer passed it on)
 * into out without the "...-addr=0x..." details; "" when there is none. */
void btmsg_reason(char *out, size_t size);

/* A libbabeltrace2 call failed while doing something to object: writes
 * "object: doing: root cause" into why, or "object: doing" when
 * libbabeltrace2 says nothing (btmsg_reason takes its error). Returns
 * false. */
bool btmsg_fail(failure *why, const char *object, const char *doing);

#endif
