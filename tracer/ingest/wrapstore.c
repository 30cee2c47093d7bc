/*
 * wrapstore.c - the pthread wrapper's calls as thrace's mutex events
 * (wrapstore.h), made up per process from what the trace shows, in the
 * shape the pthread interposer emits:
 *
 *  - a thread is its vtid. Its first stored call stores a thread_start:
 *    MainThread (kind main, tid 1) when vtid == vpid, else kind foreign,
 *    tid 2, 3, ... in order of first appearance, named Thread-1, ... as
 *    Python names them (the counter advances only for a name it makes),
 *    or by its procname context when that differs from the process's
 *    name (the statedump's procname, else the main thread's procname):
 *    what pthread_setname_np or prctl(PR_SET_NAME) gave it. A later
 *    change of procname stores a thread_rename. The wrapper traces no
 *    thread's start or end: a thread lives to the end of the trace.
 *  - a mutex is its address: a Lock (the wrapper does not tell a
 *    mutex's type), serials 1, 2, ... in order of first appearance, its
 *    object_create carrying the address, so that the model names it by
 *    its data symbol; seq numbers its events. Once its owner takes it
 *    again, it is recursive: an object_name makes it an RLock.
 *  - pthread_mutex_lock_req is an acquire_begin only when the trace shows
 *    the mutex held by another thread, or by the caller itself unless it
 *    is known to be recursive (a normal mutex would never be acquired):
 *    the wrapper traces every request, and does not tell whether it
 *    blocked.
 *    lock_acq is the acquire_end (ok for status 0 or EOWNERDEAD, else
 *    error), with the time waited since an acquire_begin; trylock is an
 *    acquire_end alone (ok, would_block for EBUSY, else error);
 *    pthread_mutex_unlock is the release. The ip context is the site.
 *  - the wrapper traces an unlock after the real one, so another thread
 *    may acquire the mutex before the unlock's event: that acquisition
 *    shows the unlock happened, and the owner's release is stored then
 *    (just before it, at its time); the owner's unlock event, when it
 *    comes, adds nothing. pthread_cond_wait's own release and re-acquire
 *    are not traced: the same rule ends the waiter's hold when another
 *    thread takes the mutex meanwhile.
 *  - an unlock that failed, or that the trace shows no hold for (taken
 *    before tracing began, or by pthread_mutex_timedlock, which the
 *    wrapper does not trace), is left out and counted: storing it would
 *    release what nobody held.
 *  - calls made from LTTng-UST's, liburcu's or libthrace's own code (their
 *    ip within a binary of theirs that the statedump tells) are left out,
 *    as the interposer leaves them out.
 *
 * Every event goes to the model at the time of the call that caused it,
 * so they stay in time order. Threads, mutexes and processes live in
 * keymaps, which own them.
 */
#include "wrapstore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wrapstore_mutex wrapstore_mutex;

typedef struct {
    int64_t vtid, tid;
    char name[32];        /* a procname has 15 characters at most */
    wrapstore_mutex *req; /* the mutex of a lock_req whose lock_acq is still to come */
    int64_t req_ts;
    bool req_begun;        /* its acquire_begin is stored: the mutex was held */
    wrapstore_mutex *owed; /* a release stored before this thread's unlock event came */
} wrapstore_thread;

struct wrapstore_mutex {
    int64_t obj, seq, depth;
    wrapstore_thread *owner; /* NULL: free, as far as the trace shows */
    bool recursive;          /* its owner took it again: an RLock from then on */
};

typedef struct {
    uint64_t begin, end;
} wrapstore_range;

typedef struct {
    int64_t pid;
    bool thrace, wrapped; /* it has thrace events; wrapper calls stored */
    char *name;           /* the process's name, NULL until known */
    int64_t tids, named, objects;
    keymap threads, mutexes;  /* (vtid, 0), (address, 0) */
    wrapstore_range *runtime; /* LTTng-UST's, liburcu's, libthrace's binaries */
    size_t nruntime, cap;
} wrapstore_process;

struct wrapstore {
    model *model;
    keymap processes; /* (vpid, 0) */
    wrapstore_process *last;
    uint64_t left_out;
    model_event e; /* reused: built in place */
};

wrapstore *wrapstore_new(model *m)
{
    wrapstore *ws = calloc(1, sizeof *ws);
    if (ws)
        ws->model = m;
    return ws;
}

/* ---- processes ------------------------------------------------------------------- */

static wrapstore_process *wrapstore_process_of(wrapstore *ws, int64_t pid, failure *why)
{
    if (ws->last && ws->last->pid == pid)
        return ws->last;
    wrapstore_process *p = keymap_get(&ws->processes, (uint64_t)pid, 0);
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p || !keymap_put(&ws->processes, (uint64_t)pid, 0, p)) {
            free(p);
            failure_set(why, "out of memory");
            return NULL;
        }
        p->pid = pid;
    }
    return ws->last = p;
}

bool wrapstore_binary(wrapstore *ws, const model_binary *b, failure *why)
{
    if (!b->path || !b->has_vpid || !vocab_runtime_binary(b->path))
        return true;
    wrapstore_process *p = wrapstore_process_of(ws, b->vpid, why);
    if (!p)
        return false;
    if (!grow_for(&p->runtime, p->nruntime, &p->cap, sizeof *p->runtime, 8))
        return failure_set(why, "out of memory");
    p->runtime[p->nruntime++] = (wrapstore_range){b->base, b->base + b->size};
    return true;
}

/* Whether the call was made from a runtime's own code. */
static bool wrapstore_from_runtime(const wrapstore_process *p, const wrapper_call *c)
{
    for (size_t i = 0; c->has_ip && i < p->nruntime; i++)
        if (c->ip >= p->runtime[i].begin && c->ip < p->runtime[i].end)
            return true;
    return false;
}

static bool wrapstore_name_process(wrapstore_process *p, const char *name, failure *why)
{
    if (p->name || !name || !*name)
        return true;
    p->name = strdup(name);
    return p->name || failure_set(why, "out of memory");
}

bool wrapstore_process_name(wrapstore *ws, int64_t vpid, const char *name, failure *why)
{
    wrapstore_process *p = wrapstore_process_of(ws, vpid, why);
    return p && wrapstore_name_process(p, name, why);
}

static bool wrapstore_mixed(const wrapstore_process *p, failure *why)
{
    return failure_set(why,
                       "process %" PRId64 " has both thrace:* and lttng_ust_pthread:* events, "
                       "which would count its mutex calls twice: record it with one of them",
                       p->pid);
}

bool wrapstore_thrace(wrapstore *ws, const model_event *e, failure *why)
{
    wrapstore_process *p = wrapstore_process_of(ws, e->has_vpid ? e->vpid : 0, why);
    if (!p)
        return false;
    if (p->wrapped)
        return wrapstore_mixed(p, why);
    p->thrace = true;
    return true;
}

/* ---- events ---------------------------------------------------------------------- */

static void wrapstore_int(model_event *e, vocab_field f, int64_t value)
{
    e->f[f].i = value;
    e->present |= MODEL_FIELD(f);
}

/* The event type, emitted by t at the call's time, its tid set. */
static model_event *wrapstore_event(wrapstore *ws, const wrapstore_process *p,
                                    const wrapstore_thread *t, const wrapper_call *c,
                                    vocab_event type)
{
    model_event *e = &ws->e;
    e->type = type;
    e->ts = c->ts;
    e->has_vpid = e->has_vtid = true;
    e->vpid = p->pid;
    e->vtid = t->vtid;
    e->procname = p->name ? p->name : c->procname;
    e->present = 0;
    wrapstore_int(e, VOCAB_F_tid, t->tid);
    return e;
}

/* The event type about m, with m's next seq. */
static model_event *wrapstore_mutex_event(wrapstore *ws, const wrapstore_process *p,
                                          const wrapstore_thread *t, wrapstore_mutex *m,
                                          const wrapper_call *c, vocab_event type)
{
    model_event *e = wrapstore_event(ws, p, t, c, type);
    wrapstore_int(e, VOCAB_F_obj, m->obj);
    wrapstore_int(e, VOCAB_F_seq, ++m->seq);
    wrapstore_int(e, VOCAB_F_kind, m->recursive ? VOCAB_KIND_rlock : VOCAB_KIND_lock);
    wrapstore_int(e, VOCAB_F_shared, 0);
    return e;
}

/* The call's site: its return address, when the ip context has it. */
static void wrapstore_site(model_event *e, const wrapper_call *c)
{
    if (c->has_ip)
        wrapstore_int(e, VOCAB_F_site, (int64_t)c->ip);
}

/* ---- threads and mutexes ------------------------------------------------------------ */

/* The name the call's procname gives its thread, when that is not the
 * process's own (which every thread inherits): else NULL. */
static const char *wrapstore_given_name(const wrapstore_process *p, const wrapper_call *c)
{
    if (!p->name || !c->procname || !*c->procname || strcmp(c->procname, p->name) == 0)
        return NULL;
    return c->procname;
}

/* A thread met now: its thread_start. */
static wrapstore_thread *wrapstore_thread_new(wrapstore *ws, wrapstore_process *p,
                                              const wrapper_call *c, failure *why)
{
    wrapstore_thread *t = calloc(1, sizeof *t);
    if (!t || !keymap_put(&p->threads, (uint64_t)c->vtid, 0, t)) {
        free(t);
        failure_set(why, "out of memory");
        return NULL;
    }
    bool main = c->vtid == p->pid;
    t->vtid = c->vtid;
    t->tid = main ? 1 : 2 + p->tids++;
    const char *given = wrapstore_given_name(p, c);
    if (given || main)
        snprintf(t->name, sizeof t->name, "%s", given ? given : "MainThread");
    else
        snprintf(t->name, sizeof t->name, "Thread-%" PRId64, ++p->named);
    model_event *e = wrapstore_event(ws, p, t, c, VOCAB_EV_thread_start);
    wrapstore_int(e, VOCAB_F_parent, 0);
    wrapstore_int(e, VOCAB_F_kind, main ? VOCAB_THREAD_main : VOCAB_THREAD_foreign);
    wrapstore_int(e, VOCAB_F_daemon, 0);
    wrapstore_int(e, VOCAB_F_native_id, c->vtid);
    e->f[VOCAB_F_name].s = t->name;
    e->present |= MODEL_FIELD(VOCAB_F_name);
    return model_add(ws->model, e, why) ? t : NULL;
}

/* The call's thread, made (or renamed) as the call tells. */
static wrapstore_thread *wrapstore_thread_at(wrapstore *ws, wrapstore_process *p,
                                             wrapstore_thread *t, const wrapper_call *c,
                                             failure *why)
{
    if (c->vtid == p->pid && !wrapstore_name_process(p, c->procname, why))
        return NULL;
    if (!t)
        return wrapstore_thread_new(ws, p, c, why);
    const char *given = wrapstore_given_name(p, c);
    if (!given || strcmp(given, t->name) == 0)
        return t;
    snprintf(t->name, sizeof t->name, "%s", given);
    model_event *e = wrapstore_event(ws, p, t, c, VOCAB_EV_thread_rename);
    wrapstore_int(e, VOCAB_F_thread, t->tid);
    e->f[VOCAB_F_name].s = t->name;
    e->present |= MODEL_FIELD(VOCAB_F_name);
    return model_add(ws->model, e, why) ? t : NULL;
}

/* The call's mutex; met now, its object_create. */
static wrapstore_mutex *wrapstore_mutex_at(wrapstore *ws, wrapstore_process *p,
                                           const wrapstore_thread *t, wrapstore_mutex *m,
                                           const wrapper_call *c, failure *why)
{
    if (m)
        return m;
    m = calloc(1, sizeof *m);
    if (!m || !keymap_put(&p->mutexes, c->mutex, 0, m)) {
        free(m);
        failure_set(why, "out of memory");
        return NULL;
    }
    m->obj = ++p->objects;
    model_event *e = wrapstore_event(ws, p, t, c, VOCAB_EV_object_create);
    wrapstore_int(e, VOCAB_F_obj, m->obj);
    wrapstore_int(e, VOCAB_F_kind, VOCAB_KIND_lock);
    wrapstore_int(e, VOCAB_F_param, 0);
    wrapstore_int(e, VOCAB_F_addr, (int64_t)c->mutex);
    return model_add(ws->model, e, why) ? m : NULL;
}

/* ---- calls ---------------------------------------------------------------------------- */

static bool wrapstore_request(wrapstore *ws, const wrapstore_process *p, wrapstore_thread *t,
                              wrapstore_mutex *m, const wrapper_call *c, failure *why)
{
    t->req = m;
    t->req_ts = c->ts;
    /* A mutex the caller holds blocks it for ever, unless it is recursive. */
    t->req_begun = m->owner && (m->owner != t || !m->recursive);
    if (!t->req_begun)
        return true;
    model_event *e = wrapstore_mutex_event(ws, p, t, m, c, VOCAB_EV_acquire_begin);
    wrapstore_site(e, c);
    e->f[VOCAB_F_timeout].d = -1;
    e->present |= MODEL_FIELD(VOCAB_F_timeout);
    return model_add(ws->model, e, why);
}

/* Another thread acquired m while its owner held it, as far as the trace
 * shows: the owner's unlock came first, its event late. Its release is
 * stored now; its unlock event will add nothing. */
static bool wrapstore_released_before(wrapstore *ws, const wrapstore_process *p, wrapstore_mutex *m,
                                      const wrapper_call *c, failure *why)
{
    wrapstore_thread *owner = m->owner;
    model_event *e = wrapstore_mutex_event(ws, p, owner, m, c, VOCAB_EV_release);
    wrapstore_int(e, VOCAB_F_value, 0);
    wrapstore_int(e, VOCAB_F_count, 1);
    owner->owed = m;
    m->owner = NULL;
    m->depth = 0;
    return model_add(ws->model, e, why);
}

/* Its owner took m again: a recursive mutex, an RLock from now on (an
 * object_name event says the kind). */
static bool wrapstore_recursive(wrapstore *ws, const wrapstore_process *p, wrapstore_thread *t,
                                wrapstore_mutex *m, const wrapper_call *c, failure *why)
{
    m->recursive = true;
    model_event *e = wrapstore_event(ws, p, t, c, VOCAB_EV_object_name);
    wrapstore_int(e, VOCAB_F_obj, m->obj);
    wrapstore_int(e, VOCAB_F_kind, VOCAB_KIND_rlock);
    e->f[VOCAB_F_name].s = "";
    e->present |= MODEL_FIELD(VOCAB_F_name);
    return model_add(ws->model, e, why);
}

/* lock_acq or trylock: the acquire_end; an acquisition makes t the owner
 * (again: one level deeper). */
static bool wrapstore_acquired(wrapstore *ws, const wrapstore_process *p, wrapstore_thread *t,
                               wrapstore_mutex *m, const wrapper_call *c, int outcome,
                               int64_t waited, failure *why)
{
    int64_t value = 0;
    if (outcome == VOCAB_OUTCOME_ok) {
        if (m->owner && m->owner != t && !wrapstore_released_before(ws, p, m, c, why))
            return false;
        if (m->owner == t && !m->recursive && !wrapstore_recursive(ws, p, t, m, c, why))
            return false;
        if (t->owed == m)
            t->owed = NULL;
        value = m->owner == t ? ++m->depth : (m->depth = 1);
        m->owner = t;
    }
    model_event *e = wrapstore_mutex_event(ws, p, t, m, c, VOCAB_EV_acquire_end);
    wrapstore_int(e, VOCAB_F_outcome, outcome);
    wrapstore_int(e, VOCAB_F_waited_ns, waited);
    wrapstore_int(e, VOCAB_F_value, value);
    wrapstore_site(e, c);
    return model_add(ws->model, e, why);
}

static bool wrapstore_lock_acquired(wrapstore *ws, const wrapstore_process *p, wrapstore_thread *t,
                                    wrapstore_mutex *m, const wrapper_call *c, failure *why)
{
    int64_t waited = t->req == m && t->req_begun && c->ts > t->req_ts ? c->ts - t->req_ts : 0;
    t->req = NULL;
    int outcome =
        c->status == 0 || c->status == EOWNERDEAD ? VOCAB_OUTCOME_ok : VOCAB_OUTCOME_error;
    return wrapstore_acquired(ws, p, t, m, c, outcome, waited, why);
}

static bool wrapstore_trylock(wrapstore *ws, const wrapstore_process *p, wrapstore_thread *t,
                              wrapstore_mutex *m, const wrapper_call *c, failure *why)
{
    int outcome = c->status == 0 || c->status == EOWNERDEAD ? VOCAB_OUTCOME_ok
                  : c->status == EBUSY                      ? VOCAB_OUTCOME_would_block
                                                            : VOCAB_OUTCOME_error;
    return wrapstore_acquired(ws, p, t, m, c, outcome, 0, why);
}

/* Whether an unlock is stored: it succeeded, and the trace shows the
 * thread's hold (or already stored its release). */
static bool wrapstore_unlock_matched(const wrapstore_thread *t, const wrapstore_mutex *m,
                                     const wrapper_call *c)
{
    return c->status == 0 && t && m && (m->owner == t || t->owed == m);
}

static bool wrapstore_unlock(wrapstore *ws, const wrapstore_process *p, wrapstore_thread *t,
                             wrapstore_mutex *m, const wrapper_call *c, failure *why)
{
    if (m->owner != t) {
        t->owed = NULL; /* its release is stored */
        return true;
    }
    if (!--m->depth)
        m->owner = NULL;
    model_event *e = wrapstore_mutex_event(ws, p, t, m, c, VOCAB_EV_release);
    wrapstore_int(e, VOCAB_F_value, m->depth);
    wrapstore_int(e, VOCAB_F_count, 1);
    return model_add(ws->model, e, why);
}

/* The vtid and vpid contexts the call lacks: "vtid", "vpid" or "vtid and vpid". */
static const char *wrapstore_missing(const wrapper_call *c)
{
    return !c->has_vtid && !c->has_vpid ? "vtid and vpid contexts"
           : !c->has_vtid               ? "vtid context"
                                        : "vpid context";
}

bool wrapstore_call(wrapstore *ws, const wrapper_call *c, failure *why)
{
    if (!c->has_vtid || !c->has_vpid)
        return failure_object(why, c->event,
                              "recorded without the %s, so its calls cannot be told apart by "
                              "thread: record with `lttng add-context -u -t vtid -t vpid`",
                              wrapstore_missing(c));
    wrapstore_process *p = wrapstore_process_of(ws, c->vpid, why);
    if (!p)
        return false;
    if (wrapstore_from_runtime(p, c))
        return true;
    if (p->thrace)
        return wrapstore_mixed(p, why);
    wrapstore_thread *t = keymap_get(&p->threads, (uint64_t)c->vtid, 0);
    wrapstore_mutex *m = keymap_get(&p->mutexes, c->mutex, 0);
    if (c->which == WRAPPER_UNLOCK && !wrapstore_unlock_matched(t, m, c)) {
        ws->left_out++;
        return true;
    }
    p->wrapped = true;
    if (!(t = wrapstore_thread_at(ws, p, t, c, why)) ||
        !(m = wrapstore_mutex_at(ws, p, t, m, c, why)))
        return false;
    switch (c->which) {
    case WRAPPER_LOCK_REQ:
        return wrapstore_request(ws, p, t, m, c, why);
    case WRAPPER_LOCK_ACQ:
        return wrapstore_lock_acquired(ws, p, t, m, c, why);
    case WRAPPER_TRYLOCK:
        return wrapstore_trylock(ws, p, t, m, c, why);
    case WRAPPER_UNLOCK:
        return wrapstore_unlock(ws, p, t, m, c, why);
    default:
        return true;
    }
}

uint64_t wrapstore_left_out(const wrapstore *ws)
{
    return ws->left_out;
}

/* ---- freeing ---------------------------------------------------------------------------- */

/* Frees every value of the map (with free_value, when given, first), then the map. */
static void wrapstore_free_map(keymap *map, void (*free_value)(void *))
{
    for (size_t i = 0; map->slots && i <= map->mask; i++) {
        if (!map->slots[i].value)
            continue;
        if (free_value)
            free_value(map->slots[i].value);
        free(map->slots[i].value);
    }
    keymap_free(map);
}

static void wrapstore_free_process(void *value)
{
    wrapstore_process *p = value;
    wrapstore_free_map(&p->threads, NULL);
    wrapstore_free_map(&p->mutexes, NULL);
    free(p->runtime);
    free(p->name);
}

void wrapstore_free(wrapstore *ws)
{
    if (!ws)
        return;
    wrapstore_free_map(&ws->processes, wrapstore_free_process);
    free(ws);
}
