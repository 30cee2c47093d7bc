/*
 * trace.c - the tracepoint definitions of libthrace and the helpers of
 * trace.h. With LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE libthrace links no
 * liblttng-ust: the probes arrive with libthrace-tp.so (preloaded by
 * `thrace record`); until then every tracepoint is one untaken branch.
 * Owns the thread id counter and each thread's id and announced flag.
 *
 * The child of a fork is a process of its own in the trace: what the
 * parent announced is announced again there, when it is next used (the
 * thread, a call site) or at the child's first event (the pthread objects
 * libthrace keeps records of, which carry their addresses). libthrace's
 * own objects are not listed anywhere: in the child they are known by the
 * events that use them (their kind), without a name given before the fork.
 */
#ifndef THRACE_NO_TRACING
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#endif
#include "trace.h"

#include "callers.h"
#include "object.h"
#include "thread.h"

#include <unistd.h>

/*
 * An ELF note, "thrace", in whatever binary carries libthrace's code: in a
 * program linked with libthrace.a, `thrace record` finds it and does not
 * preload the pthread interposer, which would load libthrace.so beside it,
 * a second runtime tracing the first one's own locks.
 */
static const struct {
    uint32_t namesz, descsz, type;
    char name[8];
} trace_note __attribute__((section(".note.thrace"), aligned(4), used)) = {7, 0, 1, "thrace"};

THRACE__TLS bool thrace__trace_announced;
static THRACE__TLS uint64_t trace_tid;
static uint64_t last_tid = 1; /* 1 is the main thread */
/* The process's generation: 1, one more in each fork's child. A call site
 * is described in the trace once per generation. */
static int trace_generation = 1;
static bool trace_records_unannounced; /* in a fork's child, until its first event */

uint64_t thrace__trace_new_tid(void)
{
    return __atomic_add_fetch(&last_tid, 1, __ATOMIC_RELAXED);
}

uint64_t thrace__trace_tid(void)
{
    if (THRACE__UNLIKELY(trace_tid == 0))
        trace_tid = thrace__trace_new_tid();
    return trace_tid;
}

void thrace__trace_set_tid(uint64_t id)
{
    trace_tid = id;
    thrace__trace_announced = false;
}

static int thread_kind_of(const thrace_thread *t)
{
    switch (t->kind) {
    case KIND_TIMER:
        return VOCAB_THREAD_timer;
    case KIND_MAIN:
        return VOCAB_THREAD_main;
    case KIND_DUMMY:
        return VOCAB_THREAD_dummy;
    case KIND_FOREIGN:
        return VOCAB_THREAD_foreign;
    default:
        return VOCAB_THREAD_thread;
    }
}

void thrace__trace_announce_thread(void)
{
    thrace__trace_announced = true;
    thrace_thread *self = thrace__thread_self();
    if (THRACE__ENABLED(thread_start))
        THRACE__DO_TRACE(thread_start, thrace__trace_tid(), self ? self->parent_tid : 0,
                         self ? thread_kind_of(self) : VOCAB_THREAD_foreign,
                         self ? thrace_thread_is_daemon(self) : 1, (int64_t)gettid(),
                         self ? thrace_thread_name(self) : "");
    if (THRACE__UNLIKELY(__atomic_load_n(&trace_records_unannounced, __ATOMIC_RELAXED)) &&
        __atomic_exchange_n(&trace_records_unannounced, false, __ATOMIC_RELAXED))
        thrace__foreign_announce_all();
}

void thrace__trace_forked(void)
{
    thrace__trace_announced = false;
    trace_generation++;
    trace_records_unannounced = true;
}

uint64_t thrace__trace_obj(thrace__obj *o, int kind)
{
    uint64_t id = __atomic_load_n(&o->_id, __ATOMIC_RELAXED);
    if (THRACE__LIKELY(id != 0))
        return id;
    /* A statically initialised object: first use. Two first uses may both
     * announce it; the collector keeps one. */
    id = thrace__object_id(o);
    THRACE__TRACE(object_create, thrace__trace_tid(), id, kind, 0, "", 0,
                  thrace__object_var(o, kind), 0); /* made by no init: unknown */
    return id;
}

/* Describes site with the stack that reached it: once per site and
 * generation, out of line so that the uses after the first pay nothing for
 * its stack buffer. */
static __attribute__((noinline, cold)) void trace_describe_site(thrace__site *site)
{
    char callers[THRACE__CALLERS_MAX * 20];
    THRACE__DO_TRACE(callsite, thrace__trace_tid(), (uint64_t)(uintptr_t)site, site->file,
                     site->line, site->func, thrace__callers_text(callers, sizeof callers));
    __atomic_store_n(&site->_described, trace_generation, __ATOMIC_RELEASE);
}

uint64_t thrace__trace_site(const thrace__site *site)
{
    if (!site)
        return 0;
    thrace__site *writable = (thrace__site *)site; /* the flag is ours */
    /* Described before the flag is set: a thread that finds it set knows
     * the callsite event precedes its own. Threads meeting the site at once
     * all describe it (the collector keeps one), so that none of their
     * events can come before a description. */
    if (THRACE__UNLIKELY(__atomic_load_n(&writable->_described, __ATOMIC_ACQUIRE) !=
                         trace_generation) &&
        THRACE__ENABLED(callsite))
        trace_describe_site(writable);
    return (uint64_t)(uintptr_t)site;
}

int thrace__trace_outcome(int code)
{
    switch (code) {
    case THRACE_OK:
        return VOCAB_OUTCOME_ok;
    case THRACE_TIMEOUT:
        return VOCAB_OUTCOME_timeout;
    case THRACE_EBROKEN:
        return VOCAB_OUTCOME_broken;
    default:
        return VOCAB_OUTCOME_error;
    }
}

uint64_t thrace__trace_ns_since(const struct timespec *start)
{
    /* Never read: tracing came on during the wait, whose start is unknown. */
    if (start->tv_sec == 0 && start->tv_nsec == 0)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns =
        (int64_t)(now.tv_sec - start->tv_sec) * 1000000000 + (now.tv_nsec - start->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}
