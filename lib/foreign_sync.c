/*
 * foreign_sync.c - pthread condition variables, POSIX semaphores and
 * pthread barriers as libthrace traces its own (foreign.h).
 *
 * A condition variable's wait releases its mutex and takes it back before
 * it returns: the events say so (the release after cond_wait_begin, an
 * acquire after cond_wait_end), so that the mutex's holds are right and
 * lost wake-ups are found as for a Condition. pthreads do not say which
 * signal woke a waiter: its waker is the last notify sent after the wait
 * began, and a notify counts as waking as many as were waiting (at most
 * what it asked for). A barrier's arrivals are counted from its creation:
 * the n-th arrival passes in round n / parties as index n % parties.
 */
#include "foreign_record.h"

#include "stall.h"
#include "trace.h"

/* ---- condition variables ------------------------------------------------ */

void thrace__foreign_cond_wait_begin(thrace__foreign *c, thrace__foreign *m, double timeout,
                                     uint64_t ip, thrace__foreign_wait *w)
{
    w->ip = ip;
    THRACE__CLOCK_IF(cond_wait_end, &w->start);
    __atomic_add_fetch(&c->waiters, 1, __ATOMIC_RELAXED);
    THRACE__TRACE(cond_wait_begin, thrace__trace_tid(), c->obj._id, thrace__trace_seq(&c->obj),
                  m->obj._id, ip, timeout);
    thrace__foreign_release(m, false);
    w->counted = thrace__stall_blocked();
}

void thrace__foreign_cond_wait_end(thrace__foreign *c, thrace__foreign *m, int outcome,
                                   const thrace__foreign_wait *w)
{
    thrace__stall_unblocked(w->counted);
    __atomic_sub_fetch(&c->waiters, 1, __ATOMIC_RELAXED);
    uint64_t waker =
        outcome == VOCAB_OUTCOME_ok ? __atomic_load_n(&c->last_notify, __ATOMIC_RELAXED) : 0;
    THRACE__TRACE(cond_wait_end, thrace__trace_tid(), c->obj._id, thrace__trace_seq(&c->obj),
                  outcome, waker, thrace__trace_ns_since(&w->start));
    thrace__foreign_acquire_end(m, false, VOCAB_OUTCOME_ok, w->ip, NULL);
}

void thrace__foreign_cond_notify(thrace__foreign *c, int64_t requested)
{
    if (!THRACE__ENABLED(cond_notify))
        return;
    uint64_t seq = thrace__trace_seq(&c->obj);
    uint64_t waiting = __atomic_load_n(&c->waiters, __ATOMIC_RELAXED);
    uint64_t woken = requested < 0 || (uint64_t)requested > waiting ? waiting : (uint64_t)requested;
    __atomic_store_n(&c->last_notify, seq, __ATOMIC_RELAXED);
    THRACE__DO_TRACE(cond_notify, thrace__trace_tid(), c->obj._id, seq, requested, woken, 0);
}

/* ---- semaphores ------------------------------------------------------------ */

void thrace__foreign_sem_wait_begin(thrace__foreign *s, double timeout, uint64_t ip,
                                    thrace__foreign_wait *w)
{
    w->ip = ip;
    THRACE__CLOCK_IF(acquire_end, &w->start);
    THRACE__TRACE(acquire_begin, thrace__trace_tid(), s->obj._id, thrace__trace_seq(&s->obj),
                  s->kind, ip, timeout, 0);
    w->counted = thrace__stall_blocked();
}

void thrace__foreign_sem_wait_end(thrace__foreign *s, int outcome, int64_t value, uint64_t ip,
                                  const thrace__foreign_wait *w)
{
    if (w)
        thrace__stall_unblocked(w->counted);
    THRACE__TRACE(acquire_end, thrace__trace_tid(), s->obj._id, thrace__trace_seq(&s->obj), s->kind,
                  outcome, w ? thrace__trace_ns_since(&w->start) : 0, value, ip, 0);
}

void thrace__foreign_sem_post(thrace__foreign *s, int64_t value)
{
    THRACE__TRACE(release, thrace__trace_tid(), s->obj._id, thrace__trace_seq(&s->obj), s->kind,
                  value, 1, 0, 0);
}

/* ---- barriers -------------------------------------------------------------- */

void thrace__foreign_barrier_begin(thrace__foreign *b, uint64_t ip, thrace__foreign_wait *w)
{
    uint64_t n = __atomic_fetch_add(&b->arrivals, 1, __ATOMIC_RELAXED);
    uint64_t parties = b->param > 0 ? (uint64_t)b->param : 1;
    w->ip = ip;
    w->arrival = n;
    THRACE__CLOCK_IF(barrier_wait_end, &w->start);
    THRACE__TRACE(barrier_wait_begin, thrace__trace_tid(), b->obj._id, thrace__trace_seq(&b->obj),
                  n / parties, ip, -1.0);
    w->counted = thrace__stall_blocked();
}

void thrace__foreign_barrier_end(thrace__foreign *b, int outcome, const thrace__foreign_wait *w)
{
    thrace__stall_unblocked(w->counted);
    uint64_t parties = b->param > 0 ? (uint64_t)b->param : 1;
    bool ok = outcome == VOCAB_OUTCOME_ok;
    THRACE__TRACE(barrier_wait_end, thrace__trace_tid(), b->obj._id, thrace__trace_seq(&b->obj),
                  w->arrival / parties, outcome, ok ? (int64_t)(w->arrival % parties) : -1,
                  thrace__trace_ns_since(&w->start));
}
