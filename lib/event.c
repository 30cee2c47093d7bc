/*
 * event.c - Python's Event: a flag guarded by an internal lock word, and an
 * internal condition queue for its waiters. A waiter woken by set() reports
 * THRACE_OK even if clear() ran before it woke (Python's gh-57711). The
 * internal functions (thrace__event_*) serve Thread and Timer untraced.
 */
#include "event.h"

#include "condcore.h"
#include "object.h"
#include "trace.h"

int thrace_event_init(thrace_event *e)
{
    e->_mutex = 0;
    e->_waiters = 0;
    e->_flag = 0;
    thrace__object_init(&e->_obj, VOCAB_KIND_event, 0, THRACE__MADE_HERE());
    return THRACE_OK;
}

void thrace_event_destroy(thrace_event *e)
{
    thrace__object_destroy(&e->_obj);
}

int thrace_event_set_name(thrace_event *e, const char *name)
{
    return thrace__object_set_name(&e->_obj, VOCAB_KIND_event, name);
}

/*
 * Sets the flag and wakes every waiter with token. The set is traced (when
 * `traced`, with the site it was made at) before the mutex is let go: a
 * woken waiter takes it back before it returns, so its wake-up and whatever
 * it does next come after the set in the trace, whatever the CPUs' clocks say.
 */
static void set_flag(thrace_event *e, uint64_t token, bool traced, const thrace__site *site)
{
    thrace__mutex_lock(&e->_mutex);
    thrace__annotate_release(e);
    __atomic_store_n(&e->_flag, 1, __ATOMIC_RELAXED);
    size_t woken = thrace__condcore_notify(&e->_waiters, THRACE__ALL, token);
    if (traced)
        THRACE__TRACE(event_set, thrace__trace_tid(), thrace__trace_obj(&e->_obj, VOCAB_KIND_event),
                      token, 0, woken, thrace__trace_site(site));
    thrace__condcore_unlock(&e->_mutex);
}

void thrace__event_set(thrace_event *e)
{
    set_flag(e, 0, false, NULL);
}

void thrace__event_set_at(thrace_event *e, const thrace__site *site)
{
    set_flag(e, THRACE__ENABLED(event_set) ? thrace__trace_seq(&e->_obj) : 0, true, site);
}

void(thrace_event_set)(thrace_event *e)
{
    thrace__event_set_at(e, NULL);
}

void thrace_event_clear(thrace_event *e)
{
    thrace__mutex_lock(&e->_mutex);
    __atomic_store_n(&e->_flag, 0, __ATOMIC_RELAXED);
    THRACE__TRACE(event_clear, thrace__trace_tid(), thrace__trace_obj(&e->_obj, VOCAB_KIND_event),
                  thrace__trace_seq(&e->_obj));
    thrace__mutex_unlock(&e->_mutex);
}

bool thrace_event_is_set(thrace_event *e)
{
    thrace__annotate_benign(&e->_flag, sizeof e->_flag);
    bool set = __atomic_load_n(&e->_flag, __ATOMIC_ACQUIRE) != 0;
    if (set)
        thrace__annotate_acquire(e);
    return set;
}

/* wait(timeout); internal waits (thread done, timer) are not traced. */
static int event_wait(thrace_event *e, double timeout, bool traced, const thrace__site *site)
{
    int rc = THRACE_OK;
    uint64_t waker = 0;
    struct timespec start = {0, 0};
    thrace__mutex_lock(&e->_mutex);
    if (!e->_flag) {
        thrace__deadline d;
        rc = thrace__deadline_start(timeout, &d);
        if (rc == THRACE_OK && traced) {
            THRACE__CLOCK_IF(event_wait_end, &start);
            THRACE__TRACE(event_wait_begin, thrace__trace_tid(),
                          thrace__trace_obj(&e->_obj, VOCAB_KIND_event),
                          thrace__trace_seq(&e->_obj), 0, thrace__trace_site(site), timeout);
        }
        if (rc == THRACE_OK)
            rc = thrace__condcore_wait(&e->_waiters, &e->_mutex, &d, &waker);
    }
    if (rc == THRACE_OK)
        thrace__annotate_acquire(e);
    if (traced && rc != THRACE_ERANGE)
        THRACE__TRACE(event_wait_end, thrace__trace_tid(),
                      thrace__trace_obj(&e->_obj, VOCAB_KIND_event), thrace__trace_seq(&e->_obj),
                      thrace__trace_outcome(rc), waker,
                      start.tv_sec ? thrace__trace_ns_since(&start) : 0);
    thrace__mutex_unlock(&e->_mutex);
    return rc;
}

int thrace__event_wait(thrace_event *e, double timeout)
{
    return event_wait(e, timeout, false, NULL);
}

int thrace__event_wait_at(thrace_event *e, double timeout, const thrace__site *site)
{
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    return event_wait(e, timeout, true, site);
}

int(thrace_event_wait)(thrace_event *e, double timeout)
{
    return thrace__event_wait_at(e, timeout, NULL);
}
