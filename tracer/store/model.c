/*
 * model.c - a trace's events as rows (schema.sql). Owns, for one trace being
 * stored: its prepared statements, the processes, threads, objects and call
 * sites met so far (keymaps from the trace's own ids to the rows' ids), the
 * batches of events rows and their writer thread (batch.h), and the interval
 * derivation (intervals.c) that it feeds.
 *
 * Invariants between calls: every process, thread, object and call site in a
 * keymap has its row, written before any row that refers to it; a row is
 * created the first time anything names it (an event emitted by a thread
 * whose thread_start was lost, an object first seen in an acquire), from
 * what that event tells, and completed when its own announcement comes. A
 * thread known only by its id is named "tid N". An object without a given
 * name is named from its kind and serial (Lock-1, Condition-2, ...). A
 * condition's param is its lock's objects.id; a lock not met yet when the
 * condition is created is looked up again at the end.
 *
 * A live trace is stored in many transactions. Each checkpoint completes
 * the rows as the end would, and writes the intervals still open as
 * provisional 'unfinished' rows, which the next transaction deletes first
 * (model_reopen): they stay open here, and whatever closes them later is
 * written as it would have been in one pass. The state (model_state.h) is
 * all in the rows at a checkpoint, from which model_resume.c rebuilds it.
 *
 * events.detail holds the event's fields that no events column holds, but
 * for an object's kind, which objects.kind holds once for all its events,
 * and for shared when 0 (no read hold): libthrace's own events carry it
 * as 0, and their rows stay as small as before.
 */
#include "model.h"

#include "db.h"
#include "model_state.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind an event's object has when the event does not say it. */
static int model_implied_kind(vocab_event type)
{
    switch (type) {
    case VOCAB_EV_cond_wait_begin:
    case VOCAB_EV_cond_wait_end:
    case VOCAB_EV_cond_notify:
        return VOCAB_KIND_condition;
    case VOCAB_EV_event_set:
    case VOCAB_EV_event_clear:
    case VOCAB_EV_event_wait_begin:
    case VOCAB_EV_event_wait_end:
        return VOCAB_KIND_event;
    case VOCAB_EV_barrier_wait_begin:
    case VOCAB_EV_barrier_wait_end:
    case VOCAB_EV_barrier_abort:
    case VOCAB_EV_barrier_reset:
        return VOCAB_KIND_barrier;
    default:
        return 0;
    }
}

/* The field that goes into events.value, or -1. */
static int model_value_field(vocab_event type)
{
    switch (type) {
    case VOCAB_EV_acquire_end:
    case VOCAB_EV_release:
    case VOCAB_EV_release_refused:
        return VOCAB_F_value;
    case VOCAB_EV_barrier_wait_end:
        return VOCAB_F_index;
    case VOCAB_EV_cond_notify:
    case VOCAB_EV_event_set:
        return VOCAB_F_woken;
    case VOCAB_EV_log:
        return VOCAB_F_level;
    default:
        return -1;
    }
}

/* The field naming the thread that goes into events.peer, or -1. */
static int model_peer_thread_field(vocab_event type)
{
    switch (type) {
    case VOCAB_EV_join_begin:
    case VOCAB_EV_join_end:
    case VOCAB_EV_thread_rename:
        return VOCAB_F_thread;
    case VOCAB_EV_timer_cancelled:
        return VOCAB_F_timer;
    default:
        return -1;
    }
}

/* ---- state ------------------------------------------------------------------ */

static const char *const model_sql[ST_COUNT] = {
    [ST_PROCESS] =
        "INSERT INTO processes (trace_id, pid, name, begin_ns) VALUES (?, ?, ?, ?) RETURNING id",
    [ST_PROCESS_END] = "UPDATE processes SET end_ns = ? WHERE id = ?",
    [ST_PROCESS_NAME] = "UPDATE processes SET name = ? WHERE id = ?",
    [ST_THREAD] = "INSERT INTO threads (process_id, tid, native_id, name, kind, daemon, "
                  "parent_tid, begin_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [ST_THREAD_START] =
        "UPDATE threads SET native_id = ?, name = coalesce(?, name), kind = ?, daemon = ?, "
        "parent_tid = ?, begin_ns = coalesce(begin_ns, ?) WHERE id = ?",
    [ST_THREAD_RENAME] = "UPDATE threads SET name = ? WHERE id = ?",
    [ST_THREAD_EXIT] = "UPDATE threads SET end_ns = ? WHERE id = ?",
    [ST_THREAD_NAME] = "INSERT INTO thread_names (thread_id, ts, name) VALUES (?, ?, ?)",
    [ST_OBJECT] = "INSERT INTO objects (process_id, obj, kind, name, param, created_ns) "
                  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    [ST_OBJECT_UPDATE] =
        "UPDATE objects SET kind = ?, name = ?, param = ?, addr = ?, symbol = ? WHERE id = ?",
    [ST_OBJECT_MADE] = "UPDATE objects SET made_site = ? WHERE id = ?",
    [ST_CALLSITE] = "INSERT INTO callsites (process_id, site, file, line, func, thread_id) "
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    [ST_FRAME] =
        "INSERT INTO site_frames (site_id, depth, file, line, func) VALUES (?, ?, ?, ?, ?)",
    [ST_BINARY] = "INSERT INTO binaries (trace_id, pid, base, size, path) VALUES (?, ?, ?, ?, ?) "
                  "RETURNING id",
    [ST_BUILD_ID] = "UPDATE binaries SET build_id = ? WHERE id = ?",
    [ST_DISCARD] = "INSERT INTO discards (trace_id, begin_ns, end_ns, count, cause) "
                   "VALUES (?, ?, ?, ?, ?)",
    [ST_LAST_INTERVAL] = "SELECT max(id) FROM intervals",
    /* Other models' writer threads may have written rows in the range, but
     * never 'unfinished' ones: a model's checkpoint and finish write those,
     * and they are one thread's calls. */
    [ST_REOPEN] =
        "DELETE FROM intervals WHERE id BETWEEN ? AND ? AND outcome = " SQL_OUTCOME(unfinished),
    [ST_TOTALS] = "UPDATE traces SET begin_ns = ?, end_ns = ?, events = ?, discarded = ?, "
                  "unread = ?, live = ? WHERE id = ?",
};

static bool model_vec_push(model_vec *v, void *item)
{
    if (!grow_for(&v->items, v->n, &v->cap, sizeof *v->items, 16))
        return false;
    v->items[v->n++] = item;
    return true;
}

void *model_alloc(model_vec *v, size_t size, failure *why)
{
    void *item = calloc(1, size);
    if (!item || !model_vec_push(v, item)) {
        free(item);
        failure_set(why, "out of memory");
        return NULL;
    }
    return item;
}

/*
 * Binds statement s's parameters as fmt describes them (db_bindv's
 * letters), then runs it. *id gets the id an INSERT ... RETURNING id returns
 * (the batches' writer thread shares the connection: last_insert_rowid
 * could be its).
 */
static bool model_vrun(model *m, int s, int64_t *id, failure *why, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = m->st[s];
    db_bindv(st, fmt, ap);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE)
        db_fail(m->db, why);
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
}

bool model_run(model *m, int s, failure *why, const char *fmt, ...)
{
    int64_t id;
    va_list ap;
    va_start(ap, fmt);
    bool ok = model_vrun(m, s, &id, why, fmt, ap);
    va_end(ap);
    return ok;
}

int64_t model_insert(model *m, int s, failure *why, const char *fmt, ...)
{
    int64_t id = 0;
    va_list ap;
    va_start(ap, fmt);
    bool ok = model_vrun(m, s, &id, why, fmt, ap);
    va_end(ap);
    return ok ? id : 0;
}

/* model_run for a statement giving one value (a SELECT max(id)): *value, 0 when NULL. */
static bool model_get(model *m, int s, int64_t *value, failure *why, const char *fmt, ...)
{
    *value = 0;
    va_list ap;
    va_start(ap, fmt);
    bool ok = model_vrun(m, s, value, why, fmt, ap);
    va_end(ap);
    return ok;
}

/* The statements, the batches and their writer, the interval derivation. */
static bool model_prepare(model *m, failure *why)
{
    for (int s = 0; s < ST_COUNT; s++)
        if (!db_prepare(m->db, model_sql[s], &m->st[s], why))
            return false;
    m->writer = batch_writer_new(m->db);
    if (!m->writer)
        return failure_set(why, "out of memory");
    m->events = batch_new(m->writer, "events",
                          "thread_id, ts, name, object_id, seq, outcome, value, waited_ns, "
                          "site_id, peer, detail",
                          11, why);
    m->logs = m->events ? batch_new(m->writer, "logs", "thread_id, ts, level, text", 4, why) : NULL;
    return m->logs && (m->log_counts = logcounts_new(m->writer, why)) &&
           (m->marks = markcounts_new(m->writer, why)) && (m->summary = summary_new(m->db, why)) &&
           (m->edges = lockedges_new(m->db, m->trace_id, why)) &&
           (m->iv = intervals_new(m->writer, m->summary, m->edges, why));
}

model *model_new(sqlite3 *db, int64_t trace_id, failure *why)
{
    model *m = calloc(1, sizeof *m);
    if (!m || !(m->symbols = symbols_new())) {
        free(m);
        failure_set(why, "out of memory");
        return NULL;
    }
    m->db = db;
    m->trace_id = trace_id;
    if (model_prepare(m, why))
        return m;
    model_free(m);
    return NULL;
}

/* ---- processes and threads ---------------------------------------------------- */

/* The process pid, known with no row yet. */
static model_process *model_process_new(model *m, int64_t pid, failure *why)
{
    model_process *p = model_alloc(&m->all_processes, sizeof *p, why);
    if (!p)
        return NULL;
    p->pid = pid;
    if (!keymap_put(&m->processes, (uint64_t)pid, 0, p)) {
        failure_set(why, "out of memory");
        return NULL;
    }
    return p;
}

/* p's row, at its first event e: named by e's procname context, else by the statedump. */
static bool model_process_store(model *m, model_process *p, const model_event *e, failure *why)
{
    const char *name = e->procname ? e->procname : p->told[0] ? p->told : NULL;
    p->named = name != NULL;
    p->id = model_insert(m, ST_PROCESS, why, "iiti", m->trace_id, p->pid, name, e->ts);
    return p->id != 0;
}

static model_process *model_process_of(model *m, const model_event *e, failure *why)
{
    int64_t pid = e->has_vpid ? e->vpid : 0;
    if (m->last_process && m->last_process->pid == pid)
        return m->last_process;
    model_process *p = keymap_get(&m->processes, (uint64_t)pid, 0);
    if (!p && !(p = model_process_new(m, pid, why)))
        return NULL;
    if (!p->id && !model_process_store(m, p, e, why))
        return NULL;
    m->last_process = p;
    return p;
}

/* A process without events gets no row (a shell that only ran the program). */
bool model_process_name(model *m, int64_t vpid, const char *name, failure *why)
{
    model_process *p = keymap_get(&m->processes, (uint64_t)vpid, 0);
    if (!p && !(p = model_process_new(m, vpid, why)))
        return false;
    if (p->named || !name)
        return true;
    if (!p->id) {
        snprintf(p->told, sizeof p->told, "%s", name);
        return true;
    }
    p->named = true;
    return model_run(m, ST_PROCESS_NAME, why, "ti", name, p->id);
}

/* A name's row in thread_names, and the thread's new name. */
static bool model_thread_named(model *m, model_thread *t, int64_t ts, const char *name,
                               failure *why)
{
    char *copy = strdup(name);
    if (!copy)
        return failure_set(why, "out of memory");
    free(t->name);
    t->name = copy;
    return model_run(m, ST_THREAD_NAME, why, "iit", t->id, ts, name);
}

/* The thread (process, tid); created, named `name` or "tid N", when unknown. */
static model_thread *model_thread_of(model *m, model_process *p, int64_t tid, const char *name,
                                     int64_t ts, failure *why)
{
    model_thread *t = keymap_get(&m->threads, (uint64_t)p->id, (uint64_t)tid);
    if (t)
        return t;
    t = model_alloc(&m->all_threads, sizeof *t, why);
    if (!t)
        return NULL;
    char placeholder[32];
    snprintf(placeholder, sizeof placeholder, "tid %" PRId64, tid);
    t->id = model_insert(m, ST_THREAD, why, "iiIttiII", p->id, tid, (int64_t)0,
                         name ? name : placeholder, vocab_thread_kind_name(VOCAB_THREAD_thread),
                         (int64_t)0, (int64_t)0, (int64_t)0);
    if (!t->id)
        return NULL;
    if (!keymap_put(&m->threads, (uint64_t)p->id, (uint64_t)tid, t)) {
        failure_set(why, "out of memory");
        return NULL;
    }
    m->totals.threads++;
    if (name && !model_thread_named(m, t, ts, name, why))
        return NULL;
    return t;
}

static bool model_has(const model_event *e, vocab_field f)
{
    return e->present & MODEL_FIELD(f);
}

/* thread_start: the thread's row, created or completed (a re-announce updates it). */
static model_thread *model_thread_start(model *m, model_process *p, const model_event *e,
                                        failure *why)
{
    const char *name =
        model_has(e, VOCAB_F_name) && *e->f[VOCAB_F_name].s ? e->f[VOCAB_F_name].s : NULL;
    const char *kind =
        model_has(e, VOCAB_F_kind) ? vocab_thread_kind_name(e->f[VOCAB_F_kind].i) : NULL;
    int64_t native = model_has(e, VOCAB_F_native_id) ? e->f[VOCAB_F_native_id].i : 0;
    model_thread *t = model_thread_of(m, p, e->f[VOCAB_F_tid].i, NULL, e->ts, why);
    if (!t)
        return NULL;
    if (!model_run(m, ST_THREAD_START, why, "IttiIii", native, name,
                   kind ? kind : vocab_thread_kind_name(VOCAB_THREAD_thread),
                   model_has(e, VOCAB_F_daemon) ? e->f[VOCAB_F_daemon].i : 0,
                   model_has(e, VOCAB_F_parent) ? e->f[VOCAB_F_parent].i : 0, e->ts, t->id))
        return NULL;
    if (name && (!t->name || strcmp(t->name, name) != 0) &&
        !model_thread_named(m, t, e->ts, name, why))
        return NULL;
    if (native && !keymap_put(&m->natives, (uint64_t)p->id, (uint64_t)native, t)) {
        failure_set(why, "out of memory");
        return NULL;
    }
    return t;
}

/* The thread that emitted e: its tid's. A callsite event of a trace
 * recorded before it carried tid: the thread with its vtid, else the
 * process's last to emit. */
static model_thread *model_emitter(model *m, model_process *p, const model_event *e, failure *why)
{
    if (model_has(e, VOCAB_F_tid))
        return model_thread_of(m, p, e->f[VOCAB_F_tid].i, NULL, e->ts, why);
    model_thread *t =
        e->has_vtid ? keymap_get(&m->natives, (uint64_t)p->id, (uint64_t)e->vtid) : NULL;
    if (!t)
        t = p->last_thread;
    return t ? t : model_thread_of(m, p, 0, NULL, e->ts, why);
}

/* thread_rename: the renamed thread, with its new name. */
static model_thread *model_thread_rename(model *m, model_process *p, const model_event *e,
                                         failure *why)
{
    const char *name = model_has(e, VOCAB_F_name) ? e->f[VOCAB_F_name].s : "";
    model_thread *t = keymap_get(&m->threads, (uint64_t)p->id, (uint64_t)e->f[VOCAB_F_thread].i);
    if (!t)
        return model_thread_of(m, p, e->f[VOCAB_F_thread].i, name, e->ts, why);
    if (!model_run(m, ST_THREAD_RENAME, why, "ti", name, t->id) ||
        !model_thread_named(m, t, e->ts, name, why))
        return NULL;
    return t;
}

/* ---- objects and call sites ----------------------------------------------------- */

const char *model_object_name(const model_object *o, char *buf, size_t size)
{
    if (o->name || o->derived)
        return o->name ? o->name : o->derived;
    const char *class = vocab_kind_class(o->kind);
    snprintf(buf, size, "%s-%" PRId64, class ? class : "Object", o->serial);
    return buf;
}

static const char *model_object_kind(const model_object *o)
{
    const char *kind = vocab_kind_name(o->kind);
    return kind ? kind : vocab_kind_name(VOCAB_KIND_lock);
}

/* The object (process, serial); created with kind when unknown. */
static model_object *model_object_of(model *m, model_process *p, int64_t serial, int kind,
                                     int64_t ts, failure *why)
{
    model_object *o = keymap_get(&m->objects, (uint64_t)p->id, (uint64_t)serial);
    if (o)
        return o;
    o = model_alloc(&m->all_objects, sizeof *o, why);
    if (!o)
        return NULL;
    o->process_id = p->id;
    o->serial = serial;
    o->kind = kind;
    char buf[48];
    o->id = model_insert(m, ST_OBJECT, why, "iittoi", p->id, serial, model_object_kind(o),
                         model_object_name(o, buf, sizeof buf), (const int64_t *)NULL, ts);
    if (!o->id)
        return NULL;
    if (!keymap_put(&m->objects, (uint64_t)p->id, (uint64_t)serial, o)) {
        failure_set(why, "out of memory");
        return NULL;
    }
    return o;
}

bool model_object_store(model *m, const model_object *o, failure *why)
{
    char buf[48];
    return model_run(m, ST_OBJECT_UPDATE, why, "ttoIti", model_object_kind(o),
                     model_object_name(o, buf, sizeof buf), o->has_param ? &o->param : NULL,
                     (int64_t)o->addr, o->symbol, o->id);
}

static bool model_object_rename(model_object *o, const char *name, failure *why)
{
    char *copy = strdup(name);
    if (!copy)
        return failure_set(why, "out of memory");
    free(o->name);
    o->name = copy;
    return true;
}

/* A condition's param: its lock's row, now or, if not met yet, at the end. */
static void model_condition_lock(model *m, model_object *o, int64_t lock_serial)
{
    model_object *lock = keymap_get(&m->objects, (uint64_t)o->process_id, (uint64_t)lock_serial);
    o->has_param = lock != NULL;
    o->param = lock ? lock->id : 0;
    o->lock_serial = lock ? 0 : lock_serial;
}

/* object_create and object_name: the object as announced. */
static model_object *model_object_announced(model *m, model_process *p, const model_event *e,
                                            failure *why)
{
    int kind = model_has(e, VOCAB_F_kind) ? (int)e->f[VOCAB_F_kind].i : 0;
    model_object *o = model_object_of(m, p, e->f[VOCAB_F_obj].i, kind, e->ts, why);
    if (!o)
        return NULL;
    if (kind)
        o->kind = kind;
    const char *name = model_has(e, VOCAB_F_name) ? e->f[VOCAB_F_name].s : "";
    if (*name && !model_object_rename(o, name, why))
        return NULL;
    if (e->type == VOCAB_EV_object_create && model_has(e, VOCAB_F_addr) &&
        !model_names_object(m, p, o, (uint64_t)e->f[VOCAB_F_addr].i, why))
        return NULL;
    if (e->type == VOCAB_EV_object_create && model_has(e, VOCAB_F_var) &&
        !model_names_variable(m, p, o, (uint64_t)e->f[VOCAB_F_var].i, why))
        return NULL;
    if (e->type == VOCAB_EV_object_create && model_has(e, VOCAB_F_made) &&
        !model_names_made(m, p, o, (uint64_t)e->f[VOCAB_F_made].i, why))
        return NULL;
    if (e->type == VOCAB_EV_object_create && model_has(e, VOCAB_F_param)) {
        if (o->kind == VOCAB_KIND_condition && e->f[VOCAB_F_param].i) {
            model_condition_lock(m, o, e->f[VOCAB_F_param].i);
        } else if (o->kind == VOCAB_KIND_semaphore || o->kind == VOCAB_KIND_bounded_semaphore ||
                   o->kind == VOCAB_KIND_barrier) {
            o->has_param = true;
            o->param = e->f[VOCAB_F_param].i;
        }
    }
    return model_object_store(m, o, why) ? o : NULL;
}

/* Sets *o to the object e is about, NULL when it names none; false on a
 * failure (reason in why). */
static bool model_object_in(model *m, model_process *p, const model_event *e, model_object **o,
                            failure *why)
{
    *o = NULL;
    if (e->type == VOCAB_EV_object_create || e->type == VOCAB_EV_object_name)
        *o = model_object_announced(m, p, e, why);
    else if (model_has(e, VOCAB_F_obj))
        *o = model_object_of(m, p, e->f[VOCAB_F_obj].i,
                             model_has(e, VOCAB_F_kind) ? (int)e->f[VOCAB_F_kind].i
                                                        : model_implied_kind(e->type),
                             e->ts, why);
    else
        return true;
    return *o != NULL;
}

/* ---- events ------------------------------------------------------------------------ */

/* What an event's row refers to, and which of its fields have columns. */
typedef struct {
    model_object *object;
    model_site *site; /* NULL: none */
    int64_t site_id, peer;
    model_thread *peer_thread;
    model_fields columns;
} model_refs;

/* objects.addr holds an object's address, objects.symbol what var names,
 * objects.made_site where made is. */
static const model_fields model_always_columns =
    MODEL_FIELD(VOCAB_F_tid) | MODEL_FIELD(VOCAB_F_obj) | MODEL_FIELD(VOCAB_F_seq) |
    MODEL_FIELD(VOCAB_F_outcome) | MODEL_FIELD(VOCAB_F_waited_ns) | MODEL_FIELD(VOCAB_F_addr) |
    MODEL_FIELD(VOCAB_F_var) | MODEL_FIELD(VOCAB_F_made);

/* events.peer: the thread a join, rename or cancel names, or a wait's waker. */
static bool model_peer(model *m, model_process *p, const model_event *e, model_refs *r,
                       failure *why)
{
    int field = model_peer_thread_field(e->type);
    if (field >= 0 && model_has(e, field)) {
        r->peer_thread = e->type == VOCAB_EV_thread_rename
                             ? model_thread_rename(m, p, e, why)
                             : model_thread_of(m, p, e->f[field].i, NULL, e->ts, why);
        if (!r->peer_thread)
            return false;
        r->peer = r->peer_thread->id;
        r->columns |= MODEL_FIELD(field);
    } else if ((e->type == VOCAB_EV_cond_wait_end || e->type == VOCAB_EV_event_wait_end) &&
               model_has(e, VOCAB_F_waker)) {
        r->peer = e->f[VOCAB_F_waker].i; /* 0: none, stored as NULL */
        r->columns |= MODEL_FIELD(VOCAB_F_waker);
    }
    return true;
}

/* The fields of e left out of detail for being 0 (schema.sql): shared, 0 but
 * for an rwlock's read holds. */
static model_fields model_zero_fields(const model_event *e)
{
    model_fields zero = 0;
    if (model_has(e, VOCAB_F_shared) && !e->f[VOCAB_F_shared].i)
        zero |= MODEL_FIELD(VOCAB_F_shared);
    return zero;
}

static bool model_refs_of(model *m, model_process *p, const model_thread *t, const model_event *e,
                          model_refs *r, failure *why)
{
    *r = (model_refs){.columns = model_always_columns};
    if (!model_object_in(m, p, e, &r->object, why))
        return false;
    if (!model_names_site(m, p, t, e, &r->site, why))
        return false;
    r->site_id = r->site ? r->site->id : 0;
    if (r->object && r->site && !model_names_first_site(m, r->object, r->site, why))
        return false;
    /* A site neither described nor resolved stays in detail, as the address it is. */
    if (r->site_id || !model_has(e, VOCAB_F_site) || !e->f[VOCAB_F_site].i)
        r->columns |= MODEL_FIELD(VOCAB_F_site);
    int value = model_value_field(e->type);
    if (value >= 0)
        r->columns |= MODEL_FIELD(value);
    /* An object's kind never changes: objects.kind holds it once for all its events. */
    if (r->object)
        r->columns |= MODEL_FIELD(VOCAB_F_kind);
    /* A lock, rlock or rwlock releases one hold at a time: only a semaphore's count tells
     * anything. */
    if (e->type == VOCAB_EV_release && r->object &&
        (r->object->kind == VOCAB_KIND_lock || r->object->kind == VOCAB_KIND_rlock ||
         r->object->kind == VOCAB_KIND_rwlock))
        r->columns |= MODEL_FIELD(VOCAB_F_count);
    r->columns |= model_zero_fields(e);
    return model_peer(m, p, e, r, why);
}

/* The field's value, or NULL when the event lacks it. */
static void model_batch_field(batch *b, const model_event *e, int field)
{
    if (field >= 0 && model_has(e, field))
        batch_int(b, e->f[field].i);
    else
        batch_id(b, 0);
}

static bool model_event_row(model *m, model_thread *t, const model_event *e, const model_refs *r,
                            failure *why)
{
    const char *detail;
    if (!detail_json(&m->detail, e, r->columns, &detail))
        return failure_set(why, "out of memory");
    batch *b = m->events;
    batch_int(b, t->id);
    batch_int(b, e->ts);
    batch_static(b, vocab_event_name(e->type));
    batch_id(b, r->object ? r->object->id : 0);
    model_batch_field(b, e, VOCAB_F_seq);
    batch_static(b, model_has(e, VOCAB_F_outcome) ? vocab_outcome_name(e->f[VOCAB_F_outcome].i)
                                                  : NULL);
    model_batch_field(b, e, model_value_field(e->type));
    model_batch_field(b, e, VOCAB_F_waited_ns);
    batch_id(b, r->site_id);
    batch_id(b, r->peer);
    batch_text(b, detail);
    if (!batch_row(b, why))
        return false;
    if (!r->object || !model_has(e, VOCAB_F_seq) || !vocab_mark_of(e->type))
        return true; /* most events: no mark to count */
    markcounts_event mark = {r->object->id,        t->id,   e->ts,
                             e->f[VOCAB_F_seq].i,  e->type, model_has(e, VOCAB_F_woken),
                             e->f[VOCAB_F_woken].i};
    return markcounts_add(m->marks, &mark, why);
}

static bool model_intervals(model *m, model_thread *t, const model_event *e, const model_refs *r,
                            failure *why)
{
    intervals_event ie = {
        .type = e->type,
        .ts = e->ts,
        .thread_id = t->id,
        .object_id = r->object ? r->object->id : 0,
        .object_kind = r->object ? r->object->kind : 0,
        .site_id = r->site_id,
        .peer_thread_id = r->peer_thread ? r->peer_thread->id : 0,
        .outcome = model_has(e, VOCAB_F_outcome) ? (int)e->f[VOCAB_F_outcome].i : -1,
        .value = model_has(e, VOCAB_F_value) ? e->f[VOCAB_F_value].i : 0,
        .count = model_has(e, VOCAB_F_count) ? e->f[VOCAB_F_count].i : 1,
        .seq = model_has(e, VOCAB_F_seq) ? e->f[VOCAB_F_seq].i : 0,
        .shared = model_has(e, VOCAB_F_shared) && e->f[VOCAB_F_shared].i,
    };
    return summary_event(m->summary, ie.type, ie.outcome, ie.thread_id, ie.object_id,
                         ie.object_kind, why) &&
           intervals_add(m->iv, &ie, why);
}

/* What an event changes in its own thread's row, and the logs table and its counts. */
static bool model_effects(model *m, model_thread *t, const model_event *e, failure *why)
{
    if (e->type == VOCAB_EV_thread_exit)
        return model_run(m, ST_THREAD_EXIT, why, "ii", e->ts, t->id);
    if (e->type != VOCAB_EV_log)
        return true;
    batch_int(m->logs, t->id);
    batch_int(m->logs, e->ts);
    batch_int(m->logs, model_has(e, VOCAB_F_level) ? e->f[VOCAB_F_level].i : 0);
    batch_text(m->logs, model_has(e, VOCAB_F_text) ? e->f[VOCAB_F_text].s : "");
    return batch_row(m->logs, why) && logcounts_add(m->log_counts, t->id, e->ts, why);
}

bool model_add(model *m, const model_event *e, failure *why)
{
    if (e->type <= VOCAB_EV_NONE || e->type >= VOCAB_EV_COUNT)
        return true;
    model_process *p = model_process_of(m, e, why);
    if (!p)
        return false;
    model_thread *t = e->type == VOCAB_EV_thread_start ? model_thread_start(m, p, e, why)
                                                       : model_emitter(m, p, e, why);
    model_refs r;
    if (!t || !model_refs_of(m, p, t, e, &r, why) || !model_event_row(m, t, e, &r, why) ||
        !model_effects(m, t, e, why) || !model_intervals(m, t, e, &r, why))
        return false;
    p->last_ns = e->ts;
    p->last_thread = t;
    if (!m->totals.events++)
        m->totals.begin_ns = e->ts;
    m->totals.end_ns = e->ts;
    return true;
}

bool model_discard(model *m, model_loss cause, bool has_range, int64_t begin_ns, int64_t end_ns,
                   uint64_t count, failure *why)
{
    static const char *const cause_name[] = {
        [MODEL_LOSS_LTTNG] = "lttng", [MODEL_LOSS_UNREAD] = "unread"};
    *(cause == MODEL_LOSS_UNREAD ? &m->totals.unread : &m->totals.discarded) += count;
    return model_run(m, ST_DISCARD, why, "iooit", m->trace_id, has_range ? &begin_ns : NULL,
                     has_range ? &end_ns : NULL, (int64_t)count, cause_name[cause]);
}

bool model_store_totals(model *m, const model_totals *t, bool live, failure *why)
{
    return model_run(m, ST_TOTALS, why, "IIiiiii", t->begin_ns, t->end_ns, (int64_t)t->events,
                     (int64_t)t->discarded, (int64_t)t->unread, (int64_t)live, m->trace_id);
}

void model_packet_end(model *m, int64_t ns)
{
    if (ns > m->packets_end_ns)
        m->packets_end_ns = ns;
}

/* The rows that end with the trace, completed as far as known now (at the
 * end and at each checkpoint): processes end at their last event,
 * conditions get their locks met since. */
static bool model_complete(model *m, failure *why)
{
    for (size_t i = 0; i < m->all_processes.n; i++) {
        model_process *p = m->all_processes.items[i];
        if (!model_run(m, ST_PROCESS_END, why, "ii", p->last_ns, p->id))
            return false;
    }
    for (size_t i = 0; i < m->all_objects.n; i++) {
        model_object *o = m->all_objects.items[i];
        if (o->lock_serial) {
            model_condition_lock(m, o, o->lock_serial);
            if (!model_object_store(m, o, why))
                return false;
        }
    }
    return true;
}

/* Stores every events, logs, log_counts and mark_counts row given so far. */
static bool model_flush_rows(model *m, failure *why)
{
    return batch_flush(m->events, why) && batch_flush(m->logs, why) &&
           logcounts_flush(m->log_counts, why) && markcounts_flush(m->marks, why);
}

bool model_finish(model *m, model_totals *out, failure *why)
{
    /* The recording ended when its last packet did (the session's stop),
     * maybe well after the last event: a hung program's waits last until then. */
    if (m->totals.events && m->packets_end_ns > m->totals.end_ns)
        m->totals.end_ns = m->packets_end_ns;
    if (!model_flush_rows(m, why) || !intervals_finish(m->iv, m->totals.end_ns, why) ||
        !summary_write(m->summary, why) || !lockedges_store(m->edges, why) ||
        !model_complete(m, why))
        return false;
    *out = m->totals;
    return true;
}

/* ---- live storing ------------------------------------------------------------------ */

/* Stores every events, logs, intervals and counts row given so far. */
static bool model_flush(model *m, failure *why)
{
    return model_flush_rows(m, why) && intervals_flush(m->iv, why);
}

bool model_checkpoint(model *m, int64_t edge_ns, failure *why)
{
    /* Never before the last event nor an earlier edge. The recording lasts
     * at least until the edge, as until a packet's end: model_finish gives
     * the same end whether or not the trace was resumed in between. */
    int64_t edge = edge_ns > m->edge_ns ? edge_ns : m->edge_ns;
    if (edge < m->totals.end_ns)
        edge = m->totals.end_ns;
    m->edge_ns = edge;
    model_packet_end(m, edge);
    /* The provisional rows are the last ones written, after every closed interval. */
    int64_t before, after;
    if (!model_flush(m, why) || !model_get(m, ST_LAST_INTERVAL, &before, why, "") ||
        !intervals_checkpoint(m->iv, edge, why) || !model_get(m, ST_LAST_INTERVAL, &after, why, ""))
        return false;
    m->provisional_first = after > before ? before + 1 : 0;
    m->provisional_last = after > before ? after : 0;
    model_totals at_edge = m->totals;
    at_edge.end_ns = edge;
    return summary_write(m->summary, why) && lockedges_store(m->edges, why) &&
           model_complete(m, why) && model_store_totals(m, &at_edge, true, why);
}

void model_provisional(const model *m, int64_t *first, int64_t *last)
{
    *first = m->provisional_first;
    *last = m->provisional_last;
}

bool model_reopen(model *m, failure *why)
{
    int64_t first = m->provisional_first, last = m->provisional_last;
    m->provisional_first = m->provisional_last = 0;
    return !last || model_run(m, ST_REOPEN, why, "ii", first, last);
}

void model_free(model *m)
{
    if (!m)
        return;
    for (int s = 0; s < ST_COUNT; s++)
        sqlite3_finalize(m->st[s]);
    batch_free(m->events);
    batch_free(m->logs);
    logcounts_free(m->log_counts);
    markcounts_free(m->marks);
    intervals_free(m->iv);
    summary_free(m->summary);
    lockedges_free(m->edges);
    batch_writer_free(m->writer);
    for (size_t i = 0; i < m->all_threads.n; i++)
        free(((model_thread *)m->all_threads.items[i])->name);
    for (size_t i = 0; i < m->all_objects.n; i++) {
        model_object *o = m->all_objects.items[i];
        free(o->name);
        free(o->derived);
        free(o->symbol);
    }
    for (size_t i = 0; i < m->all_sites.n; i++)
        free(((model_site *)m->all_sites.items[i])->where);
    symbols_free(m->symbols);
    model_vec *vecs[] = {&m->all_processes, &m->all_threads, &m->all_objects, &m->all_sites};
    for (size_t v = 0; v < 4; v++) {
        for (size_t i = 0; i < vecs[v]->n; i++)
            free(vecs[v]->items[i]);
        free(vecs[v]->items);
    }
    keymap *maps[] = {&m->processes, &m->threads, &m->natives, &m->objects, &m->sites};
    for (size_t k = 0; k < 5; k++)
        keymap_free(maps[k]);
    detail_free(&m->detail);
    free(m);
}
