/*
 * btmsg.c - the libbabeltrace2 readings shared by ingest.c, follow.c
 * (tracer/live/) and livelist.c (tracer/record/) (btmsg.h). Stateless:
 * each call reads what it is given.
 */
#include "btmsg.h"

#include <stdio.h>
#include <string.h>

const bt_field_class *btmsg_member(const bt_field_class *payload, const char *name,
                                   bt_field_class_type type, uint64_t *index)
{
    uint64_t n = payload ? bt_field_class_structure_get_member_count(payload) : 0;
    for (uint64_t i = 0; i < n; i++) {
        const bt_field_class_structure_member *member =
            bt_field_class_structure_borrow_member_by_index_const(payload, i);
        if (strcmp(bt_field_class_structure_member_get_name(member), name) != 0)
            continue;
        const bt_field_class *fc = bt_field_class_structure_member_borrow_field_class_const(member);
        *index = i;
        return bt_field_class_type_is(bt_field_class_get_type(fc), type) ? fc : NULL;
    }
    return NULL;
}

const char *btmsg_string(const bt_field *f)
{
    return bt_field_string_get_length(f) ? bt_field_string_get_value(f) : "";
}

void btmsg_uuid_text(const uint8_t u[16], char *out, size_t size)
{
    snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

void btmsg_uuid(const bt_trace *trace, const char *where, char *out, size_t size)
{
    bt_uuid u = bt_trace_get_uuid(trace);
    if (u)
        btmsg_uuid_text(u, out, size);
    else
        snprintf(out, size, "path:%s", where);
}

const char *btmsg_hostname(const bt_trace *trace)
{
    const bt_value *host = bt_trace_borrow_environment_entry_value_by_name_const(trace, "hostname");
    return host && bt_value_is_string(host) ? bt_value_string_get(host) : NULL;
}

bool btmsg_snapshot_ns(const bt_clock_snapshot *snap, int64_t *ns)
{
    return snap && bt_clock_snapshot_get_ns_from_origin(snap, ns) ==
                       BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK;
}

bool btmsg_discarded(model *m, const bt_message *msg, failure *why)
{
    uint64_t count = 1;
    int64_t begin = 0, end = 0;
    bool range = false;
    if (bt_message_get_type(msg) == BT_MESSAGE_TYPE_DISCARDED_EVENTS) {
        const bt_stream *stream = bt_message_discarded_events_borrow_stream_const(msg);
        bt_message_discarded_events_get_count(msg, &count);
        range = bt_stream_class_discarded_events_have_default_clock_snapshots(
                    bt_stream_borrow_class_const(stream)) &&
                btmsg_snapshot_ns(
                    bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(msg),
                    &begin) &&
                btmsg_snapshot_ns(
                    bt_message_discarded_events_borrow_end_default_clock_snapshot_const(msg), &end);
    } else {
        const bt_stream *stream = bt_message_discarded_packets_borrow_stream_const(msg);
        bt_message_discarded_packets_get_count(msg, &count);
        range =
            bt_stream_class_discarded_packets_have_default_clock_snapshots(
                bt_stream_borrow_class_const(stream)) &&
            btmsg_snapshot_ns(
                bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(msg),
                &begin) &&
            btmsg_snapshot_ns(
                bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(msg), &end);
    }
    return model_discard(m, MODEL_LOSS_LTTNG, range, begin, end, count, why);
}

bool btmsg_packet_end(const bt_message *msg, int64_t *ns)
{
    const bt_packet *packet = bt_message_packet_end_borrow_packet_const(msg);
    const bt_stream_class *sc = bt_stream_borrow_class_const(bt_packet_borrow_stream_const(packet));
    return bt_stream_class_packets_have_end_default_clock_snapshot(sc) &&
           btmsg_snapshot_ns(bt_message_packet_end_borrow_default_clock_snapshot_const(msg), ns);
}

bt_value *btmsg_inputs(const char *input)
{
    bt_value *params = bt_value_map_create();
    bt_value *inputs;
    if (params &&
        bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ==
            BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK &&
        bt_value_array_append_string_element(inputs, input) ==
            BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK)
        return params;
    bt_value_put_ref(params);
    return NULL;
}

bt_graph_simple_sink_component_consume_func_status
btmsg_consume(bt_message_iterator *it, bool (*handle)(void *data, const bt_message *msg),
              void *data)
{
    bt_message_array_const msgs;
    uint64_t count;
    switch (bt_message_iterator_next(it, &msgs, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
    default:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    bool go_on = true;
    for (uint64_t i = 0; i < count; i++) {
        go_on = go_on && handle(data, msgs[i]);
        bt_message_put_ref(msgs[i]);
    }
    return go_on ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK
                 : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
}

/* Copies message ("What failed: key=value, ...") without its "...-addr=0x..."
 * details: addresses say nothing to a user. */
static void btmsg_strip_addresses(const char *message, char *out, size_t size)
{
    size_t n = 0;
    const char *separator = "";
    out[0] = '\0';
    for (const char *p = message; *p;) {
        const char *end = strstr(p, ", ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len), *key = eq;
        while (key && key > p && key[-1] != ' ')
            key--;
        bool address = eq && eq - key >= 4 && memcmp(eq - 4, "addr", 4) == 0;
        size_t keep = address ? (size_t)(key - p) : len;
        bool colon = address && keep >= 2 && p[keep - 2] == ':';
        keep -= colon ? 2 : 0;
        if (keep && n + 1 < size) {
            int w = snprintf(out + n, size - n, "%s%.*s", separator, (int)keep, p);
            n += w > 0 ? (size_t)w : 0;
            separator = colon ? ": " : ", ";
        }
        p += len + (end ? 2 : 0);
    }
}

void btmsg_reason(char *out, size_t size)
{
    const bt_error *error = bt_current_thread_take_error();
    out[0] = '\0';
    if (error && bt_error_get_cause_count(error))
        btmsg_strip_addresses(bt_error_cause_get_message(bt_error_borrow_cause_by_index(error, 0)),
                              out, size);
    if (error)
        bt_error_release(error);
}

bool btmsg_fail(failure *why, const char *object, const char *doing)
{
    char reason[sizeof why->text];
    btmsg_reason(reason, sizeof reason);
    if (reason[0])
        return failure_object(why, object, "%s: %s", doing, reason);
    return failure_object(why, object, "%s", doing);
}
