/*
 * ingest.c - stores CTF traces (`thrace ingest`, `thrace record`): finds the
 * traces under the paths it is given (tracedir.h), and stores each one
 * through its own libbabeltrace2 graph,
 *
 *     src.ctf.fs ──► flt.utils.muxer ──► simple sink (ingest_consume)
 *
 * in its own SQLite transaction. The muxer merges the per-CPU streams in
 * time order; the sink decodes each event (decode.h) and hands it to the
 * model (model.h), which writes the rows: thrace's events, and the
 * statedump's binaries, which name the interposer's addresses. The calls
 * of LTTng's pthread wrapper go to wrapstore.h, which makes thrace's
 * events of them for the model.
 *
 * All of it runs in a worker, a child process (worker.h) that beats while
 * it works: libbabeltrace2 hangs or aborts on some damaged traces, and the
 * command must outlive that. Each trace is checked whole first (complete.h).
 *
 * A trace is keyed by its UUID: the transaction begins (IMMEDIATE, so that
 * two ingests of one trace cannot both store it) before the graph runs, the
 * first stream tells the UUID, and a UUID already stored ends the graph and
 * rolls back. Any failure, libbabeltrace2's (a corrupt or truncated stream)
 * or SQLite's, rolls the whole trace back: a trace is stored whole or not at
 * all; the traces stored before it by the same command stay. For the
 * duration of ingest_paths the connection runs with bulk-load settings
 * (ingest_tune), restored after.
 */
#include "ingest.h"

#include "complete.h"
#include "progress.h"
#include "store.h"
#include "tracedir.h"
#include "worker.h"
#include "wrapstore.h"

#include <babeltrace2/babeltrace.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long reading a trace may go without a sign of progress before it is
 * taken for a hang (libbabeltrace2 loops on some damaged metadata), and
 * SQLite's steps between two beats of the worker (worker.h). */
static const double INGEST_PATIENCE_S = 30;
enum { INGEST_BEAT_STEPS = 1 << 16 };

/* ---- one trace --------------------------------------------------------------------- */

typedef struct {
    sqlite3 *db;
    const char *dir;
    decode *decoder;
    model *model;       /* NULL until the first stream tells the trace */
    wrapstore *wrapped; /* the pthread wrapper's calls, into model */
    int64_t trace_id;
    bool skipped, failed;
    failure *why;                 /* ingest_paths's: the graph's sink has no other way out */
    bool progress_bar;            /* tell how far, in the worker's beats */
    int64_t span_begin, span_end; /* packets' time span, for the bar; 0 when unknown */
    uint64_t events;
    decoded message; /* reused: decoded in place */
} ingest_trace;

/* The trace failed, the reason in t->why: names the trace there, and ends its graph. */
static bool ingest_failed(ingest_trace *t)
{
    failure_prefix(t->why, t->dir);
    t->failed = true;
    return false;
}

/* ingest_failed with sqlite's reason. */
static bool ingest_db_failed(ingest_trace *t)
{
    db_fail(t->db, t->why);
    return ingest_failed(t);
}

static bool ingest_stored(ingest_trace *t, const char *uuid, bool *stored)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db, "SELECT 1 FROM traces WHERE uuid = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return ingest_db_failed(t);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE || ingest_db_failed(t);
    sqlite3_finalize(st);
    *stored = rc == SQLITE_ROW;
    return ok;
}

/* The first stream tells which trace this is: skip it, or start storing it. */
static bool ingest_begin(ingest_trace *t, const bt_trace *trace)
{
    char uuid[PATH_MAX + 8];
    btmsg_uuid(trace, t->dir, uuid, sizeof uuid);
    bool stored;
    if (!ingest_stored(t, uuid, &stored))
        return false;
    if (stored) {
        t->skipped = true;
        return false;
    }
    char now[32];
    time_t clock = time(NULL);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&clock));
    if (!db_run(t->db, t->why,
                "INSERT INTO traces (uuid, path, hostname, ingested_at) VALUES (?, ?, ?, ?)",
                "tttt", uuid, t->dir, btmsg_hostname(trace), now))
        return ingest_failed(t);
    t->trace_id = sqlite3_last_insert_rowid(t->db);
    t->model = model_new(t->db, t->trace_id, t->why);
    if (!t->model)
        return ingest_failed(t);
    t->wrapped = wrapstore_new(t->model);
    if (!t->wrapped)
        failure_set(t->why, "out of memory");
    return t->wrapped || ingest_failed(t);
}

/* Hands a decoded message to the model, or to the wrapper's calls' store. */
static bool ingest_decoded(ingest_trace *t, const decoded *d)
{
    switch (d->kind) {
    case DECODE_BINARY:
        return wrapstore_binary(t->wrapped, &d->binary, t->why) &&
               model_add_binary(t->model, &d->binary, t->why);
    case DECODE_PROCNAME:
        return !d->process.has_vpid ||
               (wrapstore_process_name(t->wrapped, d->process.vpid, d->process.name, t->why) &&
                model_process_name(t->model, d->process.vpid, d->process.name, t->why));
    case DECODE_WRAPPER:
        return wrapstore_call(t->wrapped, &d->call, t->why);
    case DECODE_EVENT:
        return wrapstore_thrace(t->wrapped, &d->event, t->why) &&
               model_add(t->model, &d->event, t->why);
    default:
        return true;
    }
}

static bool ingest_event(ingest_trace *t, const bt_message *msg)
{
    if (!decode_event(t->decoder, msg, &t->message, t->why) || !ingest_decoded(t, &t->message))
        return ingest_failed(t);
    if (t->message.kind != DECODE_EVENT && t->message.kind != DECODE_WRAPPER)
        return true;
    /* A beat every 4096 events: the worker's clock is read only then. */
    if ((++t->events & 4095) != 0)
        return true;
    int64_t ts = t->message.kind == DECODE_EVENT ? t->message.event.ts : t->message.call.ts;
    double span = (double)(t->span_end - t->span_begin);
    worker_beat(span > 0 ? (double)(ts - t->span_begin) / span : -1, t->events);
    return true;
}

/* A packet's end: LTTng ends the last ones when the session stops, so the
 * latest tells when the recording ended, events or not (a hung program). */
static void ingest_packet_end(ingest_trace *t, const bt_message *msg)
{
    int64_t ns;
    if (t->model && btmsg_packet_end(msg, &ns))
        model_packet_end(t->model, ns);
}

static bool ingest_message(void *data, const bt_message *msg)
{
    ingest_trace *t = data;
    switch (bt_message_get_type(msg)) {
    case BT_MESSAGE_TYPE_STREAM_BEGINNING:
        if (t->model)
            return true;
        return ingest_begin(
            t, bt_stream_borrow_trace_const(bt_message_stream_beginning_borrow_stream_const(msg)));
    case BT_MESSAGE_TYPE_EVENT:
        return ingest_event(t, msg);
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
        return btmsg_discarded(t->model, msg, t->why) || ingest_failed(t);
    case BT_MESSAGE_TYPE_PACKET_END:
        ingest_packet_end(t, msg);
        return true;
    default:
        return true;
    }
}

/* The simple sink's consume function: one batch of messages. Ours stopped
 * it (skipped, or failed with t->why written): the graph just ends. */
static bt_graph_simple_sink_component_consume_func_status ingest_consume(bt_message_iterator *it,
                                                                         void *data)
{
    return btmsg_consume(it, ingest_message, data);
}

/* ---- the graph ------------------------------------------------------------------------ */

typedef struct {
    const bt_plugin *ctf, *utils;
    const bt_component_class_source *source; /* src.ctf.fs */
    const bt_component_class_filter *muxer;  /* flt.utils.muxer */
} ingest_plugins;

static bool ingest_plugins_load(ingest_plugins *pl, failure *why)
{
    if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &pl->ctf) !=
            BT_PLUGIN_FIND_STATUS_OK ||
        bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &pl->utils) !=
            BT_PLUGIN_FIND_STATUS_OK)
        return btmsg_fail(why, "libbabeltrace2", "its ctf and utils plugins are missing");
    pl->source = bt_plugin_borrow_source_component_class_by_name_const(pl->ctf, "fs");
    pl->muxer = bt_plugin_borrow_filter_component_class_by_name_const(pl->utils, "muxer");
    if (!pl->source || !pl->muxer)
        return failure_object(why, "libbabeltrace2", "no src.ctf.fs or flt.utils.muxer");
    return true;
}

/* Puts what ingest_plugins_load found (NULL references are ignored). */
static void ingest_plugins_free(ingest_plugins *pl)
{
    bt_plugin_put_ref(pl->ctf);
    bt_plugin_put_ref(pl->utils);
}

static bool ingest_connect(bt_graph *g, const bt_component_source *src,
                           const bt_component_filter *mux, const bt_component_sink *sink)
{
    uint64_t n = bt_component_source_get_output_port_count(src);
    for (uint64_t i = 0; i < n; i++) {
        /* The muxer always offers one free input port, its last. */
        const bt_port_input *in = bt_component_filter_borrow_input_port_by_index_const(
            mux, bt_component_filter_get_input_port_count(mux) - 1);
        if (bt_graph_connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, i),
                                   in, NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
            return false;
    }
    return bt_graph_connect_ports(g,
                                  bt_component_filter_borrow_output_port_by_name_const(mux, "out"),
                                  bt_component_sink_borrow_input_port_by_name_const(sink, "in"),
                                  NULL) == BT_GRAPH_CONNECT_PORTS_STATUS_OK;
}

static bt_graph *ingest_graph(const ingest_plugins *pl, ingest_trace *t)
{
    bt_graph *g = bt_graph_create(0);
    bt_value *params = btmsg_inputs(t->dir);
    const bt_component_source *src;
    const bt_component_filter *mux;
    const bt_component_sink *sink;
    bool ok = g && params &&
              bt_graph_add_source_component(g, pl->source, "source", params, BT_LOGGING_LEVEL_NONE,
                                            &src) == BT_GRAPH_ADD_COMPONENT_STATUS_OK &&
              bt_graph_add_filter_component(g, pl->muxer, "muxer", NULL, BT_LOGGING_LEVEL_NONE,
                                            &mux) == BT_GRAPH_ADD_COMPONENT_STATUS_OK &&
              bt_graph_add_simple_sink_component(g, "sink", NULL, ingest_consume, NULL, t, &sink) ==
                  BT_GRAPH_ADD_COMPONENT_STATUS_OK &&
              ingest_connect(g, src, mux, sink);
    bt_value_put_ref(params);
    if (ok)
        return g;
    btmsg_fail(t->why, t->dir, "not a readable CTF trace");
    t->failed = true;
    bt_graph_put_ref(g);
    return NULL;
}

static bool ingest_run(bt_graph *g, ingest_trace *t)
{
    for (;;) {
        bt_graph_run_status status = bt_graph_run(g);
        if (status == BT_GRAPH_RUN_STATUS_AGAIN) {
            nanosleep(&(struct timespec){0, 1000000}, NULL);
            continue;
        }
        if (t->failed) {
            bt_current_thread_clear_error();
            return false;
        }
        if (status == BT_GRAPH_RUN_STATUS_OK)
            return true;
        t->failed = true;
        return btmsg_fail(t->why, t->dir, "damaged trace");
    }
}

static int64_t ingest_value_int(const bt_value *v)
{
    if (!v)
        return 0;
    if (bt_value_is_signed_integer(v))
        return bt_value_integer_signed_get(v);
    if (bt_value_is_unsigned_integer(v))
        return (int64_t)bt_value_integer_unsigned_get(v);
    return 0;
}

/* The time span of the trace's packets, for the progress bar: src.ctf.fs's
 * trace-infos query, which reads the packet index. Left 0 when unknown. */
static void ingest_span(const ingest_plugins *pl, ingest_trace *t)
{
    bt_value *params = btmsg_inputs(t->dir);
    bt_query_executor *q = params
                               ? bt_query_executor_create(
                                     bt_component_class_source_as_component_class_const(pl->source),
                                     "babeltrace.trace-infos", params)
                               : NULL;
    const bt_value *result = NULL;
    if (q &&
        bt_query_executor_set_logging_level(q, BT_LOGGING_LEVEL_NONE) ==
            BT_QUERY_EXECUTOR_SET_LOGGING_LEVEL_STATUS_OK &&
        bt_query_executor_query(q, &result) == BT_QUERY_EXECUTOR_QUERY_STATUS_OK &&
        bt_value_is_array(result)) {
        for (uint64_t i = 0; i < bt_value_array_get_length(result); i++) {
            const bt_value *infos = bt_value_map_borrow_entry_value_const(
                bt_value_array_borrow_element_by_index_const(result, i), "stream-infos");
            for (uint64_t s = 0; infos && s < bt_value_array_get_length(infos); s++) {
                const bt_value *range = bt_value_map_borrow_entry_value_const(
                    bt_value_array_borrow_element_by_index_const(infos, s), "range-ns");
                if (!range)
                    continue;
                int64_t b = ingest_value_int(bt_value_map_borrow_entry_value_const(range, "begin"));
                int64_t e = ingest_value_int(bt_value_map_borrow_entry_value_const(range, "end"));
                t->span_begin = !t->span_begin || b < t->span_begin ? b : t->span_begin;
                t->span_end = e > t->span_end ? e : t->span_end;
            }
        }
    }
    bt_current_thread_clear_error();
    bt_value_put_ref(result);
    bt_query_executor_put_ref(q);
    bt_value_put_ref(params);
}

/* SQLite at work: a beat (a commit or a summary takes seconds on a big trace). */
static int ingest_sqlite_beat(void *unused)
{
    (void)unused;
    worker_beat(-1, 0);
    return 0;
}

/* ---- traces and the command ------------------------------------------------------------ */

static void ingest_trace_free(ingest_trace *t)
{
    wrapstore_free(t->wrapped);
    model_free(t->model);
    decode_free(t->decoder);
}

static void ingest_count(ingest_summary *out, const model_totals *totals)
{
    out->traces++;
    out->events += totals->events;
    out->threads += totals->threads;
    out->discarded += totals->discarded;
    if (!totals->events)
        return;
    if (!out->begin_ns || totals->begin_ns < out->begin_ns)
        out->begin_ns = totals->begin_ns;
    if (totals->end_ns > out->end_ns)
        out->end_ns = totals->end_ns;
}

/* Runs the trace's graph and completes its rows (not when it is skipped). */
static bool ingest_store(const ingest_plugins *pl, ingest_trace *t, model_totals *totals)
{
    bt_graph *g = ingest_graph(pl, t);
    bool ok = g && ingest_run(g, t);
    bt_graph_put_ref(g);
    bt_current_thread_clear_error(); /* what tearing a failed graph down may add */
    if (!ok || !t->model)
        return ok;
    if (!model_finish(t->model, totals, t->why))
        return ingest_failed(t);
    return model_store_totals(t->model, totals, false, t->why) || ingest_failed(t);
}

/* What storing one trace gave. */
typedef struct {
    bool stored;  /* a traces row was written */
    bool skipped; /* its UUID is stored already */
    int64_t trace_id;
    model_totals totals;
    uint64_t left_out;
} ingest_outcome;

/* Stores the trace in dir inside the caller's transaction; false on a
 * failure (reason in why), after which the caller rolls back. */
static bool ingest_into(sqlite3 *db, const ingest_plugins *pl, const char *dir, bool progress_bar,
                        ingest_outcome *out, failure *why)
{
    ingest_trace t = {.db = db, .dir = dir, .why = why, .progress_bar = progress_bar};
    if (progress_bar)
        ingest_span(pl, &t);
    t.decoder = decode_new();
    if (!t.decoder)
        failure_set(why, "out of memory");
    bool ok = t.decoder ? ingest_store(pl, &t, &out->totals) : ingest_failed(&t);
    out->stored = ok && t.model;
    out->skipped = t.skipped;
    out->trace_id = t.trace_id;
    out->left_out = t.wrapped ? wrapstore_left_out(t.wrapped) : 0;
    ingest_trace_free(&t);
    return ok;
}

/* Stores the trace in dir in one transaction: whole, or not at all. */
static bool ingest_one(sqlite3 *db, const ingest_plugins *pl, const char *dir, bool progress_bar,
                       ingest_summary *out, failure *why)
{
    if (!complete_check(dir, why))
        return false;
    if (!db_exec(db, "BEGIN IMMEDIATE", why))
        return failure_prefix(why, dir);
    ingest_outcome one = {0};
    bool ok = ingest_into(db, pl, dir, progress_bar, &one, why);
    failure ignored; /* the failure to tell is the first */
    if (!ok || !one.stored) {
        db_exec(db, "ROLLBACK", &ignored);
        out->skipped += one.skipped;
        return ok;
    }
    if (!db_exec(db, "COMMIT", why)) {
        failure_prefix(why, dir);
        db_exec(db, "ROLLBACK", &ignored);
        return false;
    }
    ingest_count(out, &one.totals);
    out->unlocks_left_out += one.left_out;
    return true;
}

int64_t ingest_trace_here(sqlite3 *db, const char *dir, failure *why)
{
    ingest_plugins pl = {0};
    ingest_outcome one = {0};
    bool ok = complete_check(dir, why) && ingest_plugins_load(&pl, why) &&
              ingest_into(db, &pl, dir, false, &one, why);
    ingest_plugins_free(&pl);
    if (ok && !one.stored)
        return failure_object(why, dir,
                              one.skipped ? "a trace of this UUID is stored already"
                                          : "no thrace event in it"),
               0;
    return ok ? one.trace_id : 0;
}

/* The connection's bulk-load settings, and the ones to restore after. */
typedef struct {
    int foreign_keys, cache_size, synchronous;
    bool wal;
} ingest_settings;

static int ingest_pragma(sqlite3 *db, const char *name)
{
    char sql[64];
    sqlite3_stmt *st;
    int value = 0;
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        value = sqlite3_column_type(st, 0) == SQLITE_TEXT
                    ? strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0
                    : sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return value;
}

/* Best effort: a setting that does not take only costs speed. */
static void ingest_apply(sqlite3 *db, const ingest_settings *s)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "PRAGMA foreign_keys=%d; PRAGMA cache_size=%d; PRAGMA synchronous=%d; "
             "PRAGMA journal_mode=%s",
             s->foreign_keys, s->cache_size, s->synchronous, s->wal ? "WAL" : "DELETE");
    sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * For a bulk load: no foreign-key checks (the model refers only to rows it
 * has written itself in the same transaction: checking costs a lookup per
 * reference, seven per lock cycle), a page cache that holds a big trace's
 * new pages until the commit instead of spilling them (256 MiB at most),
 * NORMAL sync, and a rollback journal instead of WAL: new pages are then
 * written once, not to the log and again at the checkpoint. Leaving WAL
 * needs the only connection to the file; while a reader has it open, WAL
 * stays (and readers still never wait).
 */
static ingest_settings ingest_tune(sqlite3 *db)
{
    ingest_settings before = {ingest_pragma(db, "foreign_keys"), ingest_pragma(db, "cache_size"),
                              ingest_pragma(db, "synchronous"),
                              ingest_pragma(db, "journal_mode") == 1};
    ingest_settings bulk = {0, -262144, before.synchronous < 1 ? before.synchronous : 1, false};
    ingest_apply(db, &bulk);
    return before;
}

/* Stores the traces found, one transaction each, until one fails. In the
 * worker: each trace is a stage, and SQLite's work beats as events do. */
static bool ingest_found(sqlite3 *db, const tracedir_list *found, bool progress_bar,
                         ingest_summary *out, failure *why)
{
    ingest_plugins pl = {0};
    bool ok = ingest_plugins_load(&pl, why);
    ingest_settings before = ingest_tune(db);
    sqlite3_progress_handler(db, INGEST_BEAT_STEPS, ingest_sqlite_beat, NULL);
    for (size_t i = 0; ok && i < found->n; i++) {
        worker_stage((uint32_t)i, found->paths[i]);
        ok = ingest_one(db, &pl, found->paths[i], progress_bar, out, why);
    }
    sqlite3_progress_handler(db, 0, NULL, NULL);
    ingest_apply(db, &before);
    ingest_plugins_free(&pl);
    return ok;
}

/* ---- in a worker ------------------------------------------------------------------------ */

typedef struct {
    const char *db_path;
    const tracedir_list *found;
    bool progress_bar;
} ingest_job_args;

typedef struct {
    bool ok;
    ingest_summary summary;
    failure why;
} ingest_result;

/* The worker's job: its own connection, the traces, the result. */
static bool ingest_job(void *arg, void *result, size_t size)
{
    const ingest_job_args *a = arg;
    ingest_result *r = result;
    if (size < sizeof *r)
        return false;
    *r = (ingest_result){0};
    sqlite3 *db = db_open(a->db_path, true, &r->why);
    r->ok = db && ingest_found(db, a->found, a->progress_bar, &r->summary, &r->why);
    db_close(db);
    return r->ok;
}

/*
 * After a worker that died in a transaction: the first writer to open the
 * database rolls its journal back (nothing of the trace stays), and WAL,
 * which the bulk load had left, comes back. Best effort: the failure to
 * tell is the worker's.
 */
static void ingest_recover(const char *db_path)
{
    failure ignored;
    sqlite3 *db = db_open(db_path, true, &ignored);
    if (db)
        db_exec(db, "PRAGMA journal_mode=WAL", &ignored);
    db_close(db);
}

/* The bar, drawn by the caller from the worker's beats: one per trace. */
typedef struct {
    progress bar;
    bool enabled;
    uint32_t stage;
    size_t traces;
    uint64_t count; /* the beats of SQLite's work say no count: the last one stays */
} ingest_bar;

static void ingest_bar_show(void *ctx, uint32_t stage, double fraction, uint64_t count)
{
    ingest_bar *b = ctx;
    if (stage != b->stage || !b->bar.label[0]) {
        char label[64];
        progress_clear(&b->bar);
        snprintf(label, sizeof label, "ingesting %u/%zu", stage + 1, b->traces);
        progress_start(&b->bar, b->enabled, label);
        b->stage = stage;
        b->count = 0;
    }
    b->count = count ? count : b->count;
    if (b->count || fraction >= 0) /* nothing to tell before the first events */
        progress_show(&b->bar, fraction, b->count);
}

/* A worker that did not finish, in words: which trace, and how it ended. */
static bool ingest_lost_worker(const worker_end *end, const tracedir_list *found, double patience_s,
                               failure *why)
{
    const char *dir = end->stage < found->n ? found->paths[end->stage] : "ingest";
    if (end->silent)
        return failure_object(why, dir,
                              "reading it made no progress for %g s (a damaged trace?): nothing "
                              "of it was stored",
                              patience_s);
    const char *said = end->last_words[0] ? ": " : "";
    if (end->signal)
        return failure_object(why, dir, "reading it crashed (%s%s%s): nothing of it was stored",
                              strsignal(end->signal), said, end->last_words);
    return failure_object(why, dir,
                          "its reader ended without a word (exit status %d%s%s): nothing of it "
                          "was stored",
                          end->exit_status, said, end->last_words);
}

bool ingest_paths(const char *db_path, char *const *paths, int n, bool progress_bar,
                  ingest_summary *out, failure *why)
{
    *out = (ingest_summary){0};
    tracedir_list found = {0};
    if (!tracedir_find(paths, n, &found, why))
        return false;
    ingest_job_args args = {db_path, &found, progress_bar};
    ingest_result result;
    ingest_bar bar = {.enabled = progress_bar, .traces = found.n};
    worker_spec spec = {.job = ingest_job,
                        .arg = &args,
                        .result = &result,
                        .size = sizeof result,
                        .patience_s = worker_patience(INGEST_PATIENCE_S),
                        .progress = ingest_bar_show,
                        .progress_ctx = &bar};
    worker_end end;
    bool ok = worker_run(&spec, &end, why);
    progress_clear(&bar.bar);
    if (ok && end.finished) {
        *out = result.summary;
        ok = result.ok || failure_set(why, "%s", result.why.text);
    } else if (ok) {
        ingest_recover(db_path);
        ok = ingest_lost_worker(&end, &found, spec.patience_s, why);
    }
    tracedir_free(&found);
    return ok;
}
