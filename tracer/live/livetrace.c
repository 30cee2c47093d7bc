/*
 * livetrace.c - a live trace's row, model and stream positions (livetrace.h).
 *
 * A stream's position is its last stored event's time and how many events
 * of that time were stored. Events within one stream come in time order,
 * so an event before the position was stored, and so were the first
 * `at_last` events at its time: after a rewind, those are skipped again
 * (`replay` counts down) and whatever follows is new. Positions reach
 * live_streams at each checkpoint, in the transaction that stores their
 * events, so the two never disagree.
 *
 * What nobody read (between a daemon's stop and its restart) shows in the
 * objects' sequence numbers: each object's last one is kept (loaded from
 * events_by_object on resume), and after a rewind the first new event on
 * an object that skips some counts them as discarded: a lower bound, since
 * events on no object (logs, sleeps) carry no number.
 */
#include "livetrace.h"

#include "base.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint64_t class_id, stream_id;
    int64_t last_ns, at_last;
    int64_t replay; /* events at last_ns still to skip */
    bool dirty;     /* moved since the last checkpoint */
} livetrace_mark;

/* Items reached by a pair of ids, and all of them in order of creation. */
typedef struct {
    keymap map;
    void **items;
    size_t n, cap;
} livetrace_table;

typedef struct {
    int64_t last_seq;
    bool check; /* a rewind came since: the next event may skip some */
} livetrace_object;

struct livetrace {
    sqlite3 *db;
    int64_t row;
    model *model;
    int64_t edge_ns;
    livetrace_table streams;      /* (class id, stream id) -> livetrace_mark */
    livetrace_mark *last;         /* the last stream looked up: events come in runs */
    livetrace_table objects;      /* (vpid, obj) -> livetrace_object */
    int64_t stored_ns;            /* the latest event stored */
    bool broken;                  /* resumed or rewound: what no reader read may be missing */
    bool changed;                 /* events since the last checkpoint */
    int64_t checkpoint_edge;      /* the edge of the last checkpoint */
    struct timespec checkpointed; /* when, on the monotonic clock */
};

/* A new zeroed item of size bytes under (a, b); NULL when out of memory. */
static void *livetrace_table_add(livetrace_table *tb, uint64_t a, uint64_t b, size_t size)
{
    if (!grow_for(&tb->items, tb->n, &tb->cap, sizeof *tb->items, 16))
        return NULL;
    void *item = calloc(1, size);
    if (!item || !keymap_put(&tb->map, a, b, item)) {
        free(item);
        return NULL;
    }
    tb->items[tb->n++] = item;
    return item;
}

static void livetrace_table_free(livetrace_table *tb)
{
    for (size_t i = 0; i < tb->n; i++)
        free(tb->items[i]);
    free(tb->items);
    keymap_free(&tb->map);
}

static livetrace_mark *livetrace_mark_add(livetrace *t, uint64_t class_id, uint64_t stream_id)
{
    livetrace_mark *m = livetrace_table_add(&t->streams, class_id, stream_id, sizeof *m);
    if (m)
        *m = (livetrace_mark){.class_id = class_id, .stream_id = stream_id, .last_ns = INT64_MIN};
    return m;
}

static livetrace_object *livetrace_object_add(livetrace *t, int64_t pid, int64_t obj)
{
    return livetrace_table_add(&t->objects, (uint64_t)pid, (uint64_t)obj, sizeof(livetrace_object));
}

/* Each object's last sequence number stored, for a resumed trace; false
 * on a failure (reason in why). */
static bool livetrace_load_objects(livetrace *t, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            t->db,
            "SELECT p.pid, o.obj, (SELECT max(seq) FROM events WHERE object_id = o.id)"
            " FROM objects o JOIN processes p ON p.id = o.process_id"
            " WHERE p.trace_id = ?",
            -1, &st, NULL) != SQLITE_OK)
        return db_fail(t->db, why);
    sqlite3_bind_int64(st, 1, t->row);
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        livetrace_object *o =
            livetrace_object_add(t, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
        ok = o != NULL;
        if (ok)
            *o = (livetrace_object){sqlite3_column_int64(st, 2), true};
    }
    sqlite3_finalize(st);
    return ok || failure_set(why, "out of memory");
}

/* The stored positions of a resumed trace, to be skipped again; false on a
 * failure (reason in why). */
static bool livetrace_load_marks(livetrace *t, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT stream, last_ns, at_last FROM live_streams WHERE trace_id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(t->db, why);
    sqlite3_bind_int64(st, 1, t->row);
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        unsigned long long class_id, stream_id;
        if (sscanf((const char *)sqlite3_column_text(st, 0), "%llu/%llu", &class_id, &stream_id) !=
            2)
            continue;
        livetrace_mark *m = livetrace_mark_add(t, class_id, stream_id);
        ok = m != NULL;
        if (ok) {
            m->last_ns = sqlite3_column_int64(st, 1);
            m->at_last = m->replay = sqlite3_column_int64(st, 2);
            if (m->last_ns > t->stored_ns)
                t->stored_ns = m->last_ns;
        }
    }
    sqlite3_finalize(st);
    return ok || failure_set(why, "out of memory");
}

/* The traces row keyed uuid: its id and whether it is live; 0 when none,
 * -1 on a failure (reason in why). */
static int64_t livetrace_stored(sqlite3 *db, const char *uuid, bool *live, failure *why)
{
    sqlite3_stmt *st;
    int64_t row = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, live FROM traces WHERE uuid = ?", -1, &st, NULL) !=
        SQLITE_OK) {
        db_fail(db, why);
        return -1;
    }
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row = sqlite3_column_int64(st, 0);
        *live = sqlite3_column_int(st, 1) != 0;
    } else if (rc != SQLITE_DONE) {
        db_fail(db, why);
        row = -1;
    }
    sqlite3_finalize(st);
    return row;
}

/* A new traces row for id, live; its id, or 0 on a failure (reason in why). */
static int64_t livetrace_insert(sqlite3 *db, const livetrace_id *id, failure *why)
{
    char now[32];
    time_t clock = time(NULL);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&clock));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO traces (uuid, path, hostname, ingested_at, live) "
                           "VALUES (?, ?, ?, ?, 1) RETURNING id",
                           -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, why);
        return 0;
    }
    sqlite3_bind_text(st, 1, id->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id->hostname, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    int64_t row = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        row = sqlite3_column_int64(st, 0);
    else
        db_fail(db, why);
    sqlite3_finalize(st);
    return row;
}

/* t's row and model: the stored row `row`, resumed with its stream
 * positions and objects' sequence numbers, or (row 0) a new one. */
static bool livetrace_start(livetrace *t, const livetrace_id *id, int64_t row, failure *why)
{
    if (row) {
        t->row = row;
        t->broken = true;
        t->model = model_resume(t->db, row, why);
        return t->model && livetrace_load_marks(t, why) && livetrace_load_objects(t, why);
    }
    t->row = livetrace_insert(t->db, id, why);
    return t->row && (t->model = model_new(t->db, t->row, why));
}

/* A livetrace of db for the stored row `row`, resumed, or (row 0) a new
 * row for id; NULL on a failure (reason in why). */
static livetrace *livetrace_make(sqlite3 *db, const livetrace_id *id, int64_t row, failure *why)
{
    livetrace *t = calloc(1, sizeof *t);
    if (!t) {
        failure_set(why, "out of memory");
        return NULL;
    }
    t->db = db;
    if (livetrace_start(t, id, row, why)) {
        t->changed = true; /* the first checkpoint shows it, new or resumed */
        return t;
    }
    livetrace_free(t);
    return NULL;
}

livetrace *livetrace_open(sqlite3 *db, const livetrace_id *id, bool *complete, failure *why)
{
    *complete = false;
    bool live = false;
    int64_t row = livetrace_stored(db, id->uuid, &live, why);
    if (row < 0)
        return NULL;
    if (row > 0 && !live) {
        *complete = true;
        return NULL;
    }
    return livetrace_make(db, id, row, why);
}

livetrace *livetrace_resume(sqlite3 *db, int64_t row, failure *why)
{
    return livetrace_make(db, NULL, row, why);
}

int livetrace_is_new(livetrace *t, uint64_t class_id, uint64_t stream_id, int64_t ts, failure *why)
{
    livetrace_mark *m = t->last;
    if (!m || m->class_id != class_id || m->stream_id != stream_id) {
        m = keymap_get(&t->streams.map, class_id, stream_id);
        if (!m && !(m = livetrace_mark_add(t, class_id, stream_id))) {
            failure_set(why, "out of memory");
            return -1;
        }
        t->last = m;
    }
    if (ts < m->last_ns)
        return 0;
    if (ts == m->last_ns) {
        if (m->replay > 0) {
            m->replay--;
            return 0;
        }
        m->at_last++;
    } else {
        m->last_ns = ts;
        m->at_last = 1;
        m->replay = 0;
    }
    m->dirty = true;
    if (ts > t->edge_ns)
        t->edge_ns = ts;
    t->changed = true;
    return model_reopen(t->model, why) ? 1 : -1;
}

void livetrace_rewind(livetrace *t)
{
    t->broken = true;
    for (size_t i = 0; i < t->streams.n; i++) {
        livetrace_mark *m = t->streams.items[i];
        m->replay = m->at_last;
    }
    for (size_t i = 0; i < t->objects.n; i++)
        ((livetrace_object *)t->objects.items[i])->check = true;
}

/* Counts the events on the object that nobody read before this one; false
 * on a failure (reason in why). */
static bool livetrace_sequence(livetrace *t, const model_event *e, failure *why)
{
    int64_t pid = e->has_vpid ? e->vpid : 0, obj = e->f[VOCAB_F_obj].i, seq = e->f[VOCAB_F_seq].i;
    livetrace_object *o = keymap_get(&t->objects.map, (uint64_t)pid, (uint64_t)obj);
    if (!o && !(o = livetrace_object_add(t, pid, obj)))
        return failure_set(why, "out of memory");
    int64_t missed = o->check && o->last_seq ? seq - o->last_seq - 1 : 0;
    o->check = false;
    if (seq > o->last_seq)
        o->last_seq = seq;
    return missed <= 0 || model_discard(t->model, MODEL_LOSS_UNREAD, true, t->stored_ns, e->ts,
                                        (uint64_t)missed, why);
}

bool livetrace_add(livetrace *t, const model_event *e, failure *why)
{
    const model_fields numbered = MODEL_FIELD(VOCAB_F_obj) | MODEL_FIELD(VOCAB_F_seq);
    if ((e->present & numbered) == numbered && !livetrace_sequence(t, e, why))
        return false;
    if (e->ts > t->stored_ns)
        t->stored_ns = e->ts;
    return model_add(t->model, e, why);
}

void livetrace_edge(livetrace *t, int64_t ns)
{
    if (ns > t->edge_ns)
        t->edge_ns = ns;
}

model *livetrace_model(livetrace *t)
{
    return t->model;
}

bool livetrace_whole(const livetrace *t)
{
    return !t->broken;
}

int64_t livetrace_row(const livetrace *t)
{
    return t->row;
}

void livetrace_open_rows(const livetrace *t, int64_t *first, int64_t *last)
{
    model_provisional(t->model, first, last);
}

/* The positions that moved, into live_streams; false on a database error
 * (reason in why). */
static bool livetrace_save_marks(livetrace *t, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO live_streams (trace_id, stream, last_ns, at_last) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT (trace_id, stream) DO UPDATE SET "
                           "last_ns = excluded.last_ns, at_last = excluded.at_last",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(t->db, why);
    bool ok = true;
    for (size_t i = 0; ok && i < t->streams.n; i++) {
        livetrace_mark *m = t->streams.items[i];
        if (!m->dirty)
            continue;
        char stream[48];
        snprintf(stream, sizeof stream, "%llu/%llu", (unsigned long long)m->class_id,
                 (unsigned long long)m->stream_id);
        sqlite3_bind_int64(st, 1, t->row);
        sqlite3_bind_text(st, 2, stream, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, m->last_ns);
        sqlite3_bind_int64(st, 4, m->at_last);
        ok = sqlite3_step(st) == SQLITE_DONE || db_fail(t->db, why);
        sqlite3_reset(st);
        m->dirty = !ok;
    }
    sqlite3_finalize(st);
    return ok;
}

/* Whether a checkpoint would show more than the last one. */
static bool livetrace_due(livetrace *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - t->checkpointed.tv_sec) +
                   (double)(now.tv_nsec - t->checkpointed.tv_nsec) / 1e9;
    if (!t->changed && (t->edge_ns == t->checkpoint_edge || since < 1.0))
        return false;
    t->changed = false;
    t->checkpoint_edge = t->edge_ns;
    t->checkpointed = now;
    return true;
}

bool livetrace_checkpoint(livetrace *t, failure *why)
{
    if (!livetrace_due(t))
        return true;
    return model_reopen(t->model, why) && model_checkpoint(t->model, t->edge_ns, why) &&
           livetrace_save_marks(t, why);
}

bool livetrace_finish(livetrace *t, failure *why)
{
    model_packet_end(t->model, t->edge_ns);
    model_totals totals;
    return model_reopen(t->model, why) && model_finish(t->model, &totals, why) &&
           model_store_totals(t->model, &totals, false, why) &&
           db_run(t->db, why, "DELETE FROM live_streams WHERE trace_id = ?", "i", t->row);
}

void livetrace_free(livetrace *t)
{
    if (!t)
        return;
    model_free(t->model);
    livetrace_table_free(&t->streams);
    livetrace_table_free(&t->objects);
    free(t);
}
