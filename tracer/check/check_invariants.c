/*
 * check_invariants.c - the built-in invariants (check_invariants.h). One
 * scan of the objects' events replays each object in turn: its holders
 * (check_objects.c; an rwlock's in their modes, read or write), a
 * semaphore's value, a barrier's arrivals per round. After a gap of the
 * trace that may hide some of an object's events, its replay starts
 * afresh: a lost release is no second holder.
 * At most MAX_SHOWN violations are told per object, then how many more.
 */
#include "check_invariants.h"

#include "check_objects.h"
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SHOWN = 3 };

typedef struct {
    const bool *skip;
    const check_trace *t;
    check_report *r;
    int64_t object_id;  /* the object being replayed, 0 before the first */
    const char *object; /* its name (copied: the scan's string moves on) */
    char object_name[256];
    check_holders holders;
    int64_t value;     /* a semaphore's */
    int64_t *arrivals; /* a barrier's, per round */
    size_t nrounds;
    int64_t unknown_rounds; /* a barrier's rounds below it met a gap: not checked */
    size_t shown, more;     /* violations on this object */
    bool gap_told;          /* its state lost in a gap was noted */
} replay;

static const char *thread_name(const replay *rp, int64_t id)
{
    long i = check_trace_thread_index(rp->t, id);
    return i >= 0 ? rp->t->threads[i].name : "a thread not in the trace";
}

static void violation(replay *rp, check_invariant which, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void violation(replay *rp, check_invariant which, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    if (rp->shown == MAX_SHOWN) {
        rp->more++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    check_report_case(rp->r, check_invariant_names[which]);
    check_report_problem(rp->r, "%s: %s", check_invariant_names[which], text);
    rp->shown++;
}

/* Says how many violations of the last object went untold. */
static void finish_object(replay *rp)
{
    if (rp->more)
        check_report_problem(rp->r, "... and %zu more violations on %s", rp->more, rp->object);
}

static void start_object(replay *rp, const check_object_event *e)
{
    finish_object(rp);
    rp->object_id = e->object_id;
    snprintf(rp->object_name, sizeof rp->object_name, "%s", e->object);
    rp->object = rp->object_name;
    check_holders_clear(&rp->holders);
    rp->value = e->param;
    rp->unknown_rounds = 0;
    if (rp->nrounds) /* no rounds yet: no array (memset of NULL is undefined) */
        memset(rp->arrivals, 0, rp->nrounds * sizeof *rp->arrivals);
    rp->shown = rp->more = 0;
    rp->gap_told = false;
}

/* The threads holding it, "threads 0, 1", into buf. */
static const char *holder_names(const replay *rp, char *buf, size_t size)
{
    size_t at = (size_t)snprintf(buf, size, "thread%s ", rp->holders.n == 1 ? "" : "s");
    for (size_t i = 0; i < rp->holders.n && at < size; i++)
        at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? ", " : "",
                               thread_name(rp, rp->holders.threads[i]));
    return buf;
}

/* A Lock or RLock event. After a violation the replay goes on as the events
 * say, so that one lost or misplaced event is one violation, not a cascade:
 * a second holder is added beside the first (whose release is still to
 * come), and a thread taking again a Lock it holds lost its release. */
static void lock_event(replay *rp, const check_object_event *e, bool rlock)
{
    check_holders *h = &rp->holders;
    const char *who = thread_name(rp, e->thread_id);
    bool acquire = e->type == VOCAB_EV_acquire_end;
    if (acquire && e->ok && h->n && (!rlock || !check_holders_has(h, e->thread_id))) {
        violation(rp, INV_MUTUAL_EXCLUSION,
                  "thread %s acquired %s (seq %lld) while thread %s %s it (since seq %lld)", who,
                  rp->object, (long long)e->seq, thread_name(rp, h->threads[0]),
                  rlock ? "owned" : "held", (long long)h->seqs[0]);
        if (check_holders_has(h, e->thread_id))
            check_holders_clear(h);
    } else if (!acquire && !rlock && h->n == 0) {
        violation(rp, INV_MUTUAL_EXCLUSION,
                  "thread %s released %s (seq %lld) while no thread held it", who, rp->object,
                  (long long)e->seq);
    } else if (!acquire && rlock && !check_holders_has(h, e->thread_id)) {
        violation(rp, INV_MUTUAL_EXCLUSION,
                  "thread %s released %s (seq %lld), which it did not own", who, rp->object,
                  (long long)e->seq);
    }
}

/* An rwlock event: a write hold excludes every other hold, read holds share
 * it. The replay goes on as the events say, as for a Lock. */
static void rwlock_event(replay *rp, const check_object_event *e)
{
    const check_holders *h = &rp->holders;
    const char *who = thread_name(rp, e->thread_id);
    const char *mode = e->shared ? " for reading" : "";
    /* A read is excluded by a writer, a write by anyone. */
    long other = e->shared ? check_holders_find(h, 0, false) : (h->n ? 0 : -1);
    if (e->type == VOCAB_EV_acquire_end && e->ok && other >= 0)
        violation(rp, INV_MUTUAL_EXCLUSION,
                  "thread %s acquired %s%s (seq %lld) while thread %s held it%s (since seq %lld)",
                  who, rp->object, mode, (long long)e->seq, thread_name(rp, h->threads[other]),
                  h->shared[other] ? " for reading" : "", (long long)h->seqs[other]);
    else if (e->type == VOCAB_EV_release && check_holders_find(h, e->thread_id, e->shared) < 0)
        violation(rp, INV_MUTUAL_EXCLUSION,
                  "thread %s released %s%s (seq %lld), which it did not hold%s", who, rp->object,
                  e->shared ? " (read)" : "", (long long)e->seq, mode);
}

/* A semaphore event: its value replayed (after a violation, from what the
 * event says). */
static void semaphore_event(replay *rp, const check_object_event *e)
{
    char names[512];
    const char *who = thread_name(rp, e->thread_id);
    bool acquired = e->type == VOCAB_EV_acquire_end && e->ok;
    bool released = e->type == VOCAB_EV_release;
    rp->value += released ? e->count : acquired ? -1 : 0;
    if (acquired && rp->value < 0) {
        violation(rp, INV_SEMAPHORE_BOUNDS,
                  "thread %s acquired %s (seq %lld) past its value %lld, while %s held it", who,
                  rp->object, (long long)e->seq, (long long)e->param,
                  holder_names(rp, names, sizeof names));
        rp->value = 0; /* as the acquire says: no cascade */
    } else if (released && rp->value > e->param && e->kind == VOCAB_KIND_bounded_semaphore)
        violation(rp, INV_SEMAPHORE_BOUNDS,
                  "thread %s released %s (seq %lld) past its initial value %lld", who, rp->object,
                  (long long)e->seq, (long long)e->param);
}

static bool barrier_event(replay *rp, const check_object_event *e)
{
    if (e->cycle < 0)
        return true;
    size_t round = (size_t)e->cycle;
    if (round >= rp->nrounds) {
        size_t more = round + 1 > 2 * rp->nrounds ? round + 1 : 2 * rp->nrounds;
        int64_t *grown = realloc(rp->arrivals, more * sizeof *grown);
        if (!grown)
            return false;
        memset(grown + rp->nrounds, 0, (more - rp->nrounds) * sizeof *grown);
        rp->arrivals = grown;
        rp->nrounds = more;
    }
    if (e->type == VOCAB_EV_barrier_wait_begin)
        rp->arrivals[round]++;
    else if (e->ok && rp->arrivals[round] < e->param && e->cycle >= rp->unknown_rounds)
        violation(
            rp, INV_BARRIER_ROUNDS,
            "thread %s passed %s (seq %lld, round %zu) when %lld of its %lld parties had arrived",
            thread_name(rp, e->thread_id), rp->object, (long long)e->seq, round,
            (long long)rp->arrivals[round], (long long)e->param);
    return true;
}

/* After a gap that may hide some of the object's events, what was
 * replayed is unknown: the holders are forgotten (noted, the first time,
 * as their releases may be in the gap), a semaphore's value is the one
 * the event tells, the barrier's rounds so far go unchecked. */
static void resync(replay *rp, const check_object_event *e)
{
    bool semaphore = e->kind == VOCAB_KIND_semaphore || e->kind == VOCAB_KIND_bounded_semaphore;
    check_invariant which = semaphore ? INV_SEMAPHORE_BOUNDS : INV_MUTUAL_EXCLUSION;
    char names[512];
    if (rp->holders.n && !rp->gap_told && !rp->skip[which]) {
        check_report_case(rp->r, check_invariant_names[which]);
        check_report_note(rp->r,
                          "%s: %s is unknown after the gap at %.6f s: %s held it before, a "
                          "release may be among what the trace lost",
                          check_invariant_names[which], rp->object,
                          (double)(e->gap_ns - rp->t->origin_ns) / 1e9,
                          holder_names(rp, names, sizeof names));
        rp->gap_told = true;
    }
    check_holders_clear(&rp->holders);
    rp->value = e->value;
    rp->unknown_rounds = e->cycle + 1;
}

/* Checks one event, then replays it; false (failing the scan) when out of memory. */
static bool on_event(void *ctx, const check_object_event *e, failure *why)
{
    replay *rp = ctx;
    if (e->object_id != rp->object_id)
        start_object(rp, e);
    bool lock = e->kind == VOCAB_KIND_lock, rlock = e->kind == VOCAB_KIND_rlock;
    bool rwlock = e->kind == VOCAB_KIND_rwlock, barrier = e->kind == VOCAB_KIND_barrier;
    bool ok = true;
    if (e->after_gap)
        resync(rp, e);
    else if ((lock || rlock) && !rp->skip[INV_MUTUAL_EXCLUSION])
        lock_event(rp, e, rlock);
    else if (rwlock && !rp->skip[INV_MUTUAL_EXCLUSION])
        rwlock_event(rp, e);
    else if (!lock && !rlock && !rwlock && !barrier && !rp->skip[INV_SEMAPHORE_BOUNDS])
        semaphore_event(rp, e);
    if (barrier && !rp->skip[INV_BARRIER_ROUNDS])
        ok = barrier_event(rp, e);
    /* After the checks, which look at the holders as they were before it. */
    ok = ok && check_holders_apply(&rp->holders, e);
    return ok || failure_set(why, "out of memory");
}

/* A started thread that is no daemon and never exited was not joined,
 * unless its exit may lie in a gap: then it is unknown, a note. */
static void threads_joined(const check_trace *t, check_report *r)
{
    const char *name = check_invariant_names[INV_THREADS_JOINED];
    for (size_t i = 0; i < t->nthreads; i++) {
        const check_thread *th = &t->threads[i];
        bool started = th->kind == VOCAB_THREAD_thread || th->kind == VOCAB_THREAD_timer;
        if (!started || th->daemon || th->exited)
            continue;
        check_report_case(r, name);
        if (th->gap)
            check_report_note(r,
                              "%s: thread %s is unknown after the gap at %.6f s: its exit may "
                              "be among what the trace lost",
                              name, th->name, (double)th->gap_offset_ns / 1e9);
        else
            check_report_problem(r,
                                 "%s: thread %s never exited: it is no daemon, yet the program "
                                 "ended without joining it",
                                 name, th->name);
    }
}

/* What the trace lost: a problem per cause not allowed, with its advice. */
static bool no_discards(sqlite3 *db, const bool allow[LOSSES_CAUSES], check_report *r, failure *why)
{
    losses l;
    char sentence[512];
    if (!losses_read(db, r->trace_id, &l, why))
        return false;
    for (int c = 0; c < LOSSES_CAUSES; c++) {
        if (allow[c] || !*losses_say(&l, c, sentence, sizeof sentence))
            continue;
        check_report_case(r, check_invariant_names[INV_NO_DISCARDS]);
        check_report_problem(r, "%s: %s, so the trace is incomplete (or write 'allow %s')",
                             check_invariant_names[INV_NO_DISCARDS], sentence, check_loss_words[c]);
    }
    return true;
}

bool check_invariants(const check_expect *x, sqlite3 *db, const check_trace *t, check_report *r,
                      failure *why)
{
    const bool *skip = x->skip;
    replay rp = {.skip = skip, .t = t, .r = r};
    bool ok = true;
    if (!skip[INV_MUTUAL_EXCLUSION] || !skip[INV_SEMAPHORE_BOUNDS] || !skip[INV_BARRIER_ROUNDS]) {
        ok = check_objects_scan(db, t, NULL, on_event, &rp, why);
        if (ok)
            finish_object(&rp);
    }
    check_holders_free(&rp.holders);
    free(rp.arrivals);
    if (ok && !skip[INV_THREADS_JOINED])
        threads_joined(t, r);
    return ok && no_discards(db, x->allow, r, why);
}
