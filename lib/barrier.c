/*
 * barrier.c - Python's Barrier: parties arrive in cycles; the last arrival
 * of a cycle runs the action, under the internal lock, and releases them
 * all; a timeout or abort breaks the barrier (BROKEN) until a reset. Every
 * field is guarded by the internal lock word; the internal condition queue
 * holds the waiting parties.
 *
 * Where threading.py drains a released cycle before the next may fill
 * (its arrivals wait meanwhile), cycles here are generations: a released
 * party waits only for its cycle's number to move on, and an arrival
 * joins the next cycle at once, as pthread_barrier's do. A cycle ends
 * released, or reset (its waiters fail, as Python's do), which a waiter
 * that was not woken by the end itself (its timeout came first) learns
 * from _reset.
 *
 * A woken party learns how its cycle ended from its wake-up's token and
 * leaves without taking the internal lock again, as pthread_barrier's
 * parties do: parties woken together do not queue on the lock. So the
 * waker takes them off the queue's count (_waiters counts the parties
 * queued and not yet woken); a party whose timeout came first leaves it
 * itself, under the lock. The parties sleep on one word, _epoch, which
 * moves on whenever they are woken: one system call wakes them all, as
 * pthread_barrier's one futex wake does, instead of one each.
 */
#include "condcore.h"
#include "futex.h"
#include "object.h"
#include "trace.h"

#include <limits.h>
#include <math.h>

enum { BROKEN = -2, FILLING = 0 };

/* A woken party's token: how its cycle ended. */
enum { TOKEN_RELEASED = 1, TOKEN_FAILED = 2 };

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
    b->_epoch = 0;
    b->_cycle = 0;
    b->_reset = 0;
    b->_timeout = timeout;
    b->_action = action;
    b->_arg = arg;
    thrace__object_init(&b->_obj, VOCAB_KIND_barrier, parties, THRACE__MADE_HERE());
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

static void set_state(thrace_barrier *b, int state)
{
    __atomic_store_n(&b->_state, state, __ATOMIC_RELAXED);
}

static void set_count(thrace_barrier *b, unsigned count)
{
    __atomic_store_n(&b->_count, count, __ATOMIC_RELAXED);
}

/* Picks every waiting party, handing it token, and moves the word they
 * sleep on; they leave the queue's count here. How many it picked. */
static size_t wake_all(thrace_barrier *b, uint64_t token)
{
    size_t woken = thrace__condcore_notify(&b->_waiters, THRACE__ALL, token);
    __atomic_store_n(&b->_waiters, b->_waiters - (unsigned)woken, __ATOMIC_RELAXED);
    if (woken)
        __atomic_store_n(&b->_epoch, b->_epoch + 1, __ATOMIC_RELEASE);
    return woken;
}

/* Lets the internal lock go, then wakes the woken parties: their tokens
 * first, then one wake of all those asleep on _epoch. */
static void unlock_waking(thrace_barrier *b, size_t woken)
{
    thrace__condcore_unlock(&b->_mutex);
    if (woken)
        thrace__futex_wake(&b->_epoch, INT_MAX);
}

/* The current cycle ends (token: how): its waiters leave, the next fills.
 * How many it woke. */
static size_t end_cycle(thrace_barrier *b, uint64_t token)
{
    b->_cycle++;
    set_count(b, 0);
    return wake_all(b, token);
}

/* threading.py's _break: every wait fails until a reset. How many it woke. */
static size_t break_barrier(thrace_barrier *b)
{
    set_state(b, BROKEN);
    set_count(b, 0);
    return wake_all(b, TOKEN_FAILED);
}

/* threading.py's _release: the last arrival runs the action, frees all. */
static size_t release_all(thrace_barrier *b)
{
    if (b->_action)
        b->_action(b->_arg);
    return end_cycle(b, TOKEN_RELEASED);
}

/* How a wait in cycle ended, once it did (the number moved on or it broke). */
static int outcome(const thrace_barrier *b, unsigned long cycle)
{
    if (b->_cycle == cycle)
        return THRACE_EBROKEN; /* broken in this cycle */
    return b->_reset == cycle + 1 ? THRACE_EBROKEN : THRACE_OK;
}

/*
 * threading.py's _wait, entered with the lock held and left without it:
 * until the cycle ends or breaks, or d breaks it. Python's wait_for looks
 * at the state once more after a timeout: a cycle released meanwhile
 * counts as passed.
 */
static int wait_cycle(thrace_barrier *b, unsigned long cycle, const thrace__deadline *d)
{
    thrace__waiter w;
    thrace__condcore_enter(&b->_waiters, &w);
    /* The kernel reads it outside the lock: every store to it is atomic. */
    thrace__annotate_benign(&b->_epoch, sizeof b->_epoch);
    unsigned epoch = b->_epoch;
    thrace__condcore_unlock(&b->_mutex);
    if (thrace__park_sleep_shared(&w, &b->_epoch, epoch, d) == THRACE_OK)
        return w.token == TOKEN_RELEASED ? THRACE_OK : THRACE_EBROKEN;
    thrace__mutex_lock(&b->_mutex);
    thrace__condcore_leave(&b->_waiters);
    size_t woken = 0;
    int rc;
    if (b->_cycle == cycle && b->_state == FILLING) {
        woken = break_barrier(b);
        rc = THRACE_EBROKEN;
    } else {
        rc = outcome(b, cycle);
    }
    unlock_waking(b, woken);
    return rc;
}

/* Takes part in the current cycle as its arrival'th party; entered with
 * the lock held, left without it. */
static int take_part(thrace_barrier *b, double timeout, unsigned arrival)
{
    thrace__deadline d;
    if (arrival + 1 < b->_parties && thrace__deadline_start(timeout, &d) != THRACE_OK) {
        thrace__condcore_unlock(&b->_mutex);
        return THRACE_ERANGE;
    }
    set_count(b, arrival + 1);
    if (arrival + 1 == b->_parties) {
        unlock_waking(b, release_all(b));
        return THRACE_OK;
    }
    return wait_cycle(b, b->_cycle, &d);
}

/* A broken barrier's wait fails at once; entered with the lock held. */
static int refuse(thrace_barrier *b)
{
    thrace__condcore_unlock(&b->_mutex);
    return THRACE_EBROKEN;
}

/*
 * The wait itself, entered with the lock held and left without it, the
 * timeout normalised; traced as barrier_wait_begin and barrier_wait_end
 * (with the cycle it took part in).
 */
static int wait_unlocking(thrace_barrier *b, double timeout, unsigned *index,
                          const thrace__site *site)
{
    struct timespec start = {0, 0};
    unsigned long cycle = b->_cycle;
    THRACE__CLOCK_IF(barrier_wait_end, &start);
    THRACE__TRACE(barrier_wait_begin, thrace__trace_tid(),
                  thrace__trace_obj(&b->_obj, VOCAB_KIND_barrier), thrace__trace_seq(&b->_obj),
                  cycle, thrace__trace_site(site), timeout);
    unsigned arrival = b->_count;
    thrace__annotate_release(b);
    int rc = b->_state == BROKEN ? refuse(b) : take_part(b, timeout, arrival);
    if (rc == THRACE_OK)
        thrace__annotate_acquire(b);
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
    return wait_unlocking(b, timeout, index, site);
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
    unlock_waking(b, break_barrier(b));
}

void thrace_barrier_reset(thrace_barrier *b)
{
    thrace__mutex_lock(&b->_mutex);
    THRACE__TRACE(barrier_reset, thrace__trace_tid(),
                  thrace__trace_obj(&b->_obj, VOCAB_KIND_barrier), thrace__trace_seq(&b->_obj));
    /* The cycle's waiters fail (a broken cycle's too, which may not have
     * left yet), and the barrier fills afresh. */
    size_t woken = 0;
    if (b->_count > 0 || b->_state == BROKEN) {
        b->_reset = b->_cycle + 1;
        set_state(b, FILLING);
        woken = end_cycle(b, TOKEN_FAILED);
    }
    unlock_waking(b, woken);
}

unsigned thrace_barrier_parties(thrace_barrier *b)
{
    return b->_parties;
}

unsigned thrace_barrier_n_waiting(thrace_barrier *b)
{
    /* Unsynchronised, as in Python: a snapshot. */
    thrace__annotate_benign(&b->_state, sizeof b->_state);
    thrace__annotate_benign(&b->_count, sizeof b->_count);
    if (__atomic_load_n(&b->_state, __ATOMIC_RELAXED) != FILLING)
        return 0;
    return __atomic_load_n(&b->_count, __ATOMIC_RELAXED);
}

bool thrace_barrier_broken(thrace_barrier *b)
{
    thrace__annotate_benign(&b->_state, sizeof b->_state);
    return __atomic_load_n(&b->_state, __ATOMIC_RELAXED) == BROKEN;
}
