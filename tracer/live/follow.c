/*
 * follow.c - one live session's graph and the sink that stores its
 * messages (follow.h):
 *
 *     src.ctf.lttng-live ──► simple sink (follow_consume)
 *
 * lttng-live orders the session's messages itself, so no muxer. The
 * session may hold several traces (per-process buffers, or 32- and 64-bit
 * programs): each is a livetrace, known by the bt_trace of the current
 * graph and, across graphs (a reattach), by its UUID. Lives in the daemon's
 * thread only; every call that writes runs inside the daemon's transaction.
 * The sink's callbacks have no caller to return a reason to: while
 * follow_step runs the graph, they write it into follow_step's failure
 * (f->why) and set f->failed, which ends the graph.
 */
#include "follow.h"

#include "ingest.h"
#include "livetrace.h"
#include "vocabulary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const bt_trace *bt; /* in the current graph; NULL until its first stream */
    char uuid[64];
    livetrace *lt; /* NULL when the trace was stored whole already */
} follow_trace;

struct follow {
    sqlite3 *db;
    char url[512];
    const bt_plugin *ctf;
    bt_graph *graph;
    decode *decoder;
    follow_trace *traces;
    size_t ntraces;
    follow_trace *last; /* the last trace looked up */
    uint64_t events;
    decoded message; /* reused: decoded in place */
    failure *why;    /* follow_step's, while it runs the graph */
    bool failed;     /* the sink failed (f->why): the step fails */
};

follow *follow_new(sqlite3 *db, const char *url)
{
    follow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->db = db;
    snprintf(f->url, sizeof f->url, "%s", url);
    return f;
}

const char *follow_url(const follow *f)
{
    return f->url;
}

/* The sink failed, its reason in f->why: ends the graph. */
static bool follow_failed(follow *f)
{
    f->failed = true;
    return false;
}

/* ---- traces ------------------------------------------------------------------- */

static follow_trace *follow_trace_by_uuid(follow *f, const char *uuid)
{
    for (size_t i = 0; i < f->ntraces; i++)
        if (strcmp(f->traces[i].uuid, uuid) == 0)
            return &f->traces[i];
    return NULL;
}

/* A trace met for the first time in this graph: known from an earlier one,
 * else opened (new, resumed, or already whole). */
static follow_trace *follow_trace_meet(follow *f, const bt_trace *bt)
{
    char uuid[64];
    btmsg_uuid(bt, f->url, uuid, sizeof uuid);
    follow_trace *t = follow_trace_by_uuid(f, uuid);
    if (t) {
        t->bt = bt;
        return t;
    }
    follow_trace *traces = realloc(f->traces, (f->ntraces + 1) * sizeof *traces);
    if (!traces) {
        failure_set(f->why, "out of memory");
        follow_failed(f);
        return NULL;
    }
    f->traces = traces;
    f->last = NULL;
    livetrace_id id = {uuid, f->url, btmsg_hostname(bt)};
    bool complete;
    livetrace *lt = livetrace_open(f->db, &id, &complete, f->why);
    if (!lt && !complete) {
        follow_failed(f);
        return NULL;
    }
    t = &f->traces[f->ntraces++];
    *t = (follow_trace){.bt = bt, .lt = lt};
    snprintf(t->uuid, sizeof t->uuid, "%s", uuid);
    return t;
}

static follow_trace *follow_trace_of(follow *f, const bt_trace *bt)
{
    if (f->last && f->last->bt == bt)
        return f->last;
    for (size_t i = 0; i < f->ntraces; i++)
        if (f->traces[i].bt == bt)
            return f->last = &f->traces[i];
    return f->last = follow_trace_meet(f, bt);
}

/* ---- messages ----------------------------------------------------------------- */

static bool follow_event(follow *f, const bt_message *msg)
{
    const bt_stream *stream =
        bt_event_borrow_stream_const(bt_message_event_borrow_event_const(msg));
    follow_trace *t = follow_trace_of(f, bt_stream_borrow_trace_const(stream));
    if (!t || !t->lt)
        return !f->failed;
    int64_t ts;
    if (!btmsg_snapshot_ns(bt_message_event_borrow_default_clock_snapshot_const(msg), &ts)) {
        failure_set(f->why, "an event without a time");
        return follow_failed(f);
    }
    int fresh =
        livetrace_is_new(t->lt, bt_stream_class_get_id(bt_stream_borrow_class_const(stream)),
                         bt_stream_get_id(stream), ts, f->why);
    if (fresh <= 0)
        return fresh == 0 || follow_failed(f);
    if (!decode_event(f->decoder, msg, &f->message, f->why))
        return follow_failed(f);
    if (f->message.kind == DECODE_BINARY)
        return model_add_binary(livetrace_model(t->lt), &f->message.binary, f->why) ||
               follow_failed(f);
    if (f->message.kind == DECODE_PROCNAME && f->message.process.has_vpid)
        return model_process_name(livetrace_model(t->lt), f->message.process.vpid,
                                  f->message.process.name, f->why) ||
               follow_failed(f);
    if (f->message.kind != DECODE_EVENT)
        return true;
    f->events++;
    return livetrace_add(t->lt, &f->message.event, f->why) || follow_failed(f);
}

static livetrace *follow_stream_trace(follow *f, const bt_stream *stream)
{
    follow_trace *t = follow_trace_of(f, bt_stream_borrow_trace_const(stream));
    return t ? t->lt : NULL;
}

static bool follow_packet_end(follow *f, const bt_message *msg)
{
    const bt_packet *packet = bt_message_packet_end_borrow_packet_const(msg);
    livetrace *lt = follow_stream_trace(f, bt_packet_borrow_stream_const(packet));
    int64_t ns;
    if (lt && btmsg_packet_end(msg, &ns))
        livetrace_edge(lt, ns);
    return !f->failed;
}

static bool follow_discarded(follow *f, const bt_message *msg)
{
    const bt_stream *stream = bt_message_get_type(msg) == BT_MESSAGE_TYPE_DISCARDED_EVENTS
                                  ? bt_message_discarded_events_borrow_stream_const(msg)
                                  : bt_message_discarded_packets_borrow_stream_const(msg);
    livetrace *lt = follow_stream_trace(f, stream);
    if (!lt)
        return !f->failed;
    return btmsg_discarded(livetrace_model(lt), msg, f->why) || follow_failed(f);
}

/* Nothing more before the beacon's time, in any stream: every trace's edge. */
static void follow_inactivity(follow *f, const bt_message *msg)
{
    int64_t ns;
    if (!btmsg_snapshot_ns(bt_message_message_iterator_inactivity_borrow_clock_snapshot_const(msg),
                           &ns))
        return;
    for (size_t i = 0; i < f->ntraces; i++)
        if (f->traces[i].lt)
            livetrace_edge(f->traces[i].lt, ns);
}

static bool follow_message(void *data, const bt_message *msg)
{
    follow *f = data;
    switch (bt_message_get_type(msg)) {
    case BT_MESSAGE_TYPE_STREAM_BEGINNING:
        return follow_stream_trace(f, bt_message_stream_beginning_borrow_stream_const(msg)) ||
               !f->failed;
    case BT_MESSAGE_TYPE_EVENT:
        return follow_event(f, msg);
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
        return follow_discarded(f, msg);
    case BT_MESSAGE_TYPE_PACKET_END:
        return follow_packet_end(f, msg);
    case BT_MESSAGE_TYPE_MESSAGE_ITERATOR_INACTIVITY:
        follow_inactivity(f, msg);
        return true;
    default:
        return true;
    }
}

/* Our failure (f->failed, the reason in f->why) ends the graph. */
static bt_graph_simple_sink_component_consume_func_status follow_consume(bt_message_iterator *it,
                                                                         void *data)
{
    return btmsg_consume(it, follow_message, data);
}

/* ---- the graph ---------------------------------------------------------------- */

/* src.ctf.lttng-live's parameters: the session, and to end when it is gone. */
static bt_value *follow_params(const char *url)
{
    bt_value *params = btmsg_inputs(url);
    if (params && bt_value_map_insert_string_entry(params, "session-not-found-action", "end") ==
                      BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
        return params;
    bt_value_put_ref(params);
    return NULL;
}

static bool follow_build(follow *f)
{
    const bt_component_class_source *live =
        bt_plugin_borrow_source_component_class_by_name_const(f->ctf, "lttng-live");
    bt_value *params = follow_params(f->url);
    const bt_component_source *src;
    const bt_component_sink *sink;
    f->graph = bt_graph_create(0);
    bool ok = live && params && f->graph &&
              bt_graph_add_source_component(f->graph, live, "live", params, BT_LOGGING_LEVEL_NONE,
                                            &src) == BT_GRAPH_ADD_COMPONENT_STATUS_OK &&
              bt_graph_add_simple_sink_component(f->graph, "store", NULL, follow_consume, NULL, f,
                                                 &sink) == BT_GRAPH_ADD_COMPONENT_STATUS_OK &&
              bt_graph_connect_ports(
                  f->graph, bt_component_source_borrow_output_port_by_name_const(src, "out"),
                  bt_component_sink_borrow_input_port_by_name_const(sink, "in"),
                  NULL) == BT_GRAPH_CONNECT_PORTS_STATUS_OK;
    bt_value_put_ref(params);
    return ok;
}

bool follow_attach(follow *f, failure *why)
{
    bt_graph_put_ref(f->graph);
    f->graph = NULL;
    decode_free(f->decoder);
    for (size_t i = 0; i < f->ntraces; i++) {
        f->traces[i].bt = NULL;
        if (f->traces[i].lt)
            livetrace_rewind(f->traces[i].lt);
    }
    f->last = NULL;
    bool ok = (f->ctf || bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE,
                                        &f->ctf) == BT_PLUGIN_FIND_STATUS_OK) &&
              (f->decoder = decode_new()) && follow_build(f);
    if (ok)
        return true;
    char reason[400];
    btmsg_reason(reason, sizeof reason);
    failure_object(why, f->url, "cannot follow: %s", reason[0] ? reason : "out of memory");
    bt_graph_put_ref(f->graph);
    f->graph = NULL;
    return false;
}

follow_status follow_step(follow *f, failure *why)
{
    if (!f->graph) {
        failure_set(why, "not attached");
        return FOLLOW_BROKEN;
    }
    f->why = why;
    f->failed = false;
    bt_graph_run_once_status status = bt_graph_run_once(f->graph);
    f->why = NULL;
    if (f->failed) {
        bt_current_thread_clear_error();
        return FOLLOW_FAILED;
    }
    switch (status) {
    case BT_GRAPH_RUN_ONCE_STATUS_OK:
        return FOLLOW_BUSY; /* a batch was stored */
    case BT_GRAPH_RUN_ONCE_STATUS_AGAIN:
        return FOLLOW_IDLE;
    case BT_GRAPH_RUN_ONCE_STATUS_END:
        return FOLLOW_ENDED;
    default: {
        char reason[400];
        btmsg_reason(reason, sizeof reason);
        failure_set(why, "%s", reason[0] ? reason : "the relay daemon failed");
        bt_graph_put_ref(f->graph);
        f->graph = NULL;
        return FOLLOW_BROKEN;
    }
    }
}

/* Runs step on every live trace; false at the first failure (reason in why). */
static bool follow_each(follow *f, bool (*step)(livetrace *, failure *), failure *why)
{
    for (size_t i = 0; i < f->ntraces; i++) {
        livetrace *lt = f->traces[i].lt;
        if (lt && !step(lt, why))
            return false;
    }
    return true;
}

bool follow_checkpoint(follow *f, failure *why)
{
    return follow_each(f, livetrace_checkpoint, why);
}

bool follow_finish(follow *f, failure *why)
{
    return follow_each(f, livetrace_finish, why);
}

uint64_t follow_events(const follow *f)
{
    return f->events;
}

size_t follow_ntraces(const follow *f)
{
    return f->ntraces;
}

const livetrace *follow_trace_at(const follow *f, size_t i)
{
    return f->traces[i].lt;
}

void follow_free(follow *f)
{
    if (!f)
        return;
    bt_graph_put_ref(f->graph);
    decode_free(f->decoder);
    for (size_t i = 0; i < f->ntraces; i++)
        livetrace_free(f->traces[i].lt);
    free(f->traces);
    bt_plugin_put_ref(f->ctf);
    free(f);
}
