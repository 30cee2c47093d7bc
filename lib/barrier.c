/*
 * barrier.c - Python's Barrier, ported from threading.py's state machine:
 * FILLING until the last party arrives, DRAINING while the released threads
 * leave, RESETTING while threads leave a reset barrier, BROKEN after an
 * abort or a timeout. Every field is guarded by the internal lock word; the
 * internal condition queue holds the waiting parties. The action runs under
 * that lock in the last arriving thread, before anyone is released.
 */
#include "condcore.h"
#include "object.h"
#include "trace.h"

#include <math.h>

enum { BROKEN = -2, RESETTING = -1, FILLING = 0, DRAINING = 1 };

int thrace_barrier_init(thrace_barrier *b, unsigned parties, void (*action)(void *), void *arg,
                        double timeout)
{
    if (parties == 0 || isnan(timeout))
        return THRACE_EINVAL;
    b->_mutex = 0;
    b->_waiters = 0;
    b->_parties = parties;
    b->_count = 0;
    b->_state = FILLING;
    b->_cycle = 0;
    b->_timeout = timeout;
    b->_action = action;
    b->_arg = arg;
    thrace__object_init(&b->_obj, VOCAB_KIND_barrier, parties);
    return THRACE_OK;
}

void thrace_barrier_destroy(thrace_barrier *b)
{
    thrace__object_destroy(&b->_obj);
}

int thrace_barrier_set_name(thrace_barrier *b, const char *name)
{
    return thrace__object_set_name(&b->_obj, VOCAB_KIND_barrier, name);
}

static void wait_forever(thrace_barrier *b)
{
    thrace__deadline never = thrace__deadline_never();
    thrace__condcore_wait(&b->_waiters, &b->_mutex, &never, NULL);
}

static void notify_all(thrace_barrier *b)
{
    thrace__condcore_notify(&b->_waiters, THRACE__ALL, 0);
}

static void set_state(thrace_barrier *b, int state)
{
    __atomic_store_n(&b->_state, state, __ATOMIC_RELAXED);
}

/* threading.py's _break. */
static void break_barrier(thrace_barrier *b)
{
    set_state(b, BROKEN);
    notify_all(b);
}

/* threading.py's _enter: wait out a previous cycle's draining or reset. */
static int enter(thrace_barrier *b)
{
    while (b->_state == DRAINING || b->_state == RESETTING)
        wait_forever(b);
    return b->_state == BROKEN ? THRACE_EBROKEN : THRACE_OK;
}

/* threading.py's _release: the last arrival runs the action, frees all. */
static void release_all(thrace_barrier *b)
{
    if (b->_action)
        b->_action(b->_arg);
    b->_cycle++;
    set_state(b, DRAINING);
    notify_all(b);
}

/* threading.py's _wait: until the cycle moves on, or d breaks it. */
static int wait_cycle(thrace_barrier *b, const thrace__deadline *d)
{
    while (b->_state == FILLING) {
        if (thrace__deadline_passed(d)) {
            break_barrier(b);
            return THRACE_EBROKEN;
        }
        thrace__condcore_wait(&b->_waiters, &b->_mutex, d, NULL);
    }
    return b->_state < 0 ? THRACE_EBROKEN : THRACE_OK;
}

/* threading.py's _exit: the last to leave opens the next cycle. */
static void leave(thrace_barrier *b)
{
    __atomic_store_n(&b->_count, b->_count - 1, __ATOMIC_RELAXED);
    if (b->_count == 0 && (b->_state == RESETTING || b->_state == DRAINING)) {
        set_state(b, FILLING);
        notify_all(b);
    }
}

/* Takes part in the current cycle, once enter() let the caller in. */
static int take_part(thrace_barrier *b, double timeout, unsigned arrival)
{
    thrace__deadline d;
    if (arrival + 1 < b->_parties && thrace__deadline_start(timeout, &d) != THRACE_OK)
        return THRACE_ERANGE;
    int rc = THRACE_OK;
    __atomic_store_n(&b->_count, arrival + 1, __ATOMIC_RELAXED);
    if (arrival + 1 == b->_parties)
        release_all(b);
    else
        rc = wait_cycle(b, &d);
    leave(b);
    return rc;
}

/*
 * The wait itself, with the lock held and the timeout normalised; traced as
 * barrier_wait_begin and barrier_wait_end (with the cycle it took part in).
 */
static int wait_locked(thrace_barrier *b, double timeout, unsigned *index, const thrace__site *site)
{
    struct timespec start = {0, 0};
    THRACE__CLOCK_IF(barrier_wait_end, &start);
    THRACE__TRACE(barrier_wait_begin, thrace__trace_tid(),
                  thrace__trace_obj(&b->_obj, VOCAB_KIND_barrier), thrace__trace_seq(&b->_obj),
                  b->_cycle, thrace__trace_site(site), timeout);
    int rc = enter(b);
    unsigned long cycle = b->_cycle;
    unsigned arrival = b->_count;
    if (rc == THRACE_OK)
        rc = take_part(b, timeout, arrival);
    if (rc == THRACE_OK && index)
        *index = arrival;
    THRACE__TRACE(barrier_wait_end, thrace__trace_tid(),
                  thrace__trace_obj(&b->_obj, VOCAB_KIND_barrier), thrace__trace_seq(&b->_obj),
                  cycle, thrace__trace_outcome(rc), rc == THRACE_OK ? (int64_t)arrival : -1,
                  thrace__trace_ns_since(&start));
    return rc;
}

int thrace__barrier_wait_at(thrace_barrier *b, double timeout, unsigned *index,
                            const thrace__site *site)
{
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    if (timeout == THRACE_FOREVER) {
        timeout = b->_timeout;
        thrace__timeout_check_wait(&timeout); /* a negative default polls */
    }
    thrace__mutex_lock(&b->_mutex);
    int rc = wait_locked(b, timeout, index, site);
    thrace__condcore_unlock(&b->_mutex);
    return rc;
}

int(thrace_barrier_wait)(thrace_barrier *b, double timeout, unsigned *index)
{
    return thrace__barrier_wait_at(b, timeout, index, NULL);
}

void thrace_barrier_abort(thrace_barrier *b)
{
    thrace__mutex_lock(&b->_mutex);
    THRACE__TRACE(barrier_abort, thrace__trace_tid(),
                  thrace__trace_obj(&b->_obj, VOCAB_KIND_barrier), thrace__trace_seq(&b->_obj));
    break_barrier(b);
    thrace__condcore_unlock(&b->_mutex);
}

void thrace_barrier_reset(thrace_barrier *b)
{
    thrace__mutex_lock(&b->_mutex);
    THRACE__TRACE(barrier_reset, thrace__trace_tid(),
                  thrace__trace_obj(&b->_obj, VOCAB_KIND_barrier), thrace__trace_seq(&b->_obj));
    if (b->_count > 0) {
        /* Waiting threads leave broken; the last one reopens the barrier. */
        if (b->_state == FILLING || b->_state == BROKEN)
            set_state(b, RESETTING);
    } else {
        set_state(b, FILLING);
    }
    notify_all(b);
    thrace__condcore_unlock(&b->_mutex);
}

unsigned thrace_barrier_parties(thrace_barrier *b)
{
    return b->_parties;
}

unsigned thrace_barrier_n_waiting(thrace_barrier *b)
{
    /* Unsynchronised, as in Python: a snapshot. */
    if (__atomic_load_n(&b->_state, __ATOMIC_RELAXED) != FILLING)
        return 0;
    return __atomic_load_n(&b->_count, __ATOMIC_RELAXED);
}

bool thrace_barrier_broken(thrace_barrier *b)
{
    return __atomic_load_n(&b->_state, __ATOMIC_RELAXED) == BROKEN;
}
