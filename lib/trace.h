/*
 * trace.h - how libthrace emits its LTTng-UST events (probe/thrace_tp.h).
 *
 * Tracing happens at the public boundary only: internal objects (a
 * semaphore's lock word, a thread's done event) emit nothing. THRACE__TRACE
 * costs one load and one branch when tracing is off; its arguments, ids and
 * sequence numbers included, are evaluated only when the event is enabled.
 * A thread announces itself (thread_start) before its first event; a call
 * site is described (callsite) before its first use in a trace.
 */
#ifndef THRACE_LIB_TRACE_H
#define THRACE_LIB_TRACE_H

#include "internal.h"

#include <time.h>

/* Object kinds, outcomes and thread kinds are the vocabulary's
 * (VOCAB_KIND_lock, VOCAB_OUTCOME_ok, VOCAB_THREAD_main, ...). */
#include "vocabulary.h"

#ifndef THRACE_NO_TRACING
#include "thrace_tp.h"

#define THRACE__ENABLED(event) lttng_ust_tracepoint_enabled(thrace, event)
/* Emits event, known to be enabled. */
#define THRACE__DO_TRACE(event, ...) lttng_ust_do_tracepoint(thrace, event, __VA_ARGS__)
#else
/* Built without LTTng-UST (THRACE_TRACING=OFF): nothing is ever enabled.
 * The arguments still compile, so that both builds see the same code. */
#define THRACE__ENABLED(event) 0
#define THRACE__DO_TRACE(event, ...)                                                               \
    do {                                                                                           \
        if (0)                                                                                     \
            thrace__untraced(0, __VA_ARGS__);                                                      \
    } while (0)
static inline void thrace__untraced(int unused, ...)
{
    (void)unused;
}
#endif

#define THRACE__TRACE(event, ...)                                                                  \
    do {                                                                                           \
        if (THRACE__ENABLED(event)) {                                                              \
            thrace__trace_announce();                                                              \
            THRACE__DO_TRACE(event, __VA_ARGS__);                                                  \
        }                                                                                          \
    } while (0)

extern THRACE__TLS bool thrace__trace_announced;

/* Emits thread_start for the calling thread. */
void thrace__trace_announce_thread(void);

static inline void thrace__trace_announce(void)
{
    if (THRACE__UNLIKELY(!thrace__trace_announced))
        thrace__trace_announce_thread();
}

/* The calling thread's thrace id (a foreign thread gets one on first use). */
uint64_t thrace__trace_tid(void);
/* In a fork's child, in the forking thread: the thread, the call sites and
 * the pthread objects' records are announced again in the new process. */
void thrace__trace_forked(void);
/* object_create again for every pthread object libthrace keeps a record
 * of (foreign.c), after a fork. */
void thrace__foreign_announce_all(void);
/* Whether libthrace keeps a record of some pthread object (foreign.c). */
bool thrace__foreign_any(void);
/* Makes id the calling thread's (thread start), to be announced again. */
void thrace__trace_set_tid(uint64_t id);
/* A fresh thread id (the main thread's is 1). */
uint64_t thrace__trace_new_tid(void);

/* The object's id; a statically initialised object is announced now. */
uint64_t thrace__trace_obj(thrace__obj *o, int kind);
/* The object's next event sequence number. */
static inline uint64_t thrace__trace_seq(thrace__obj *o)
{
    return __atomic_add_fetch(&o->_seq, 1, __ATOMIC_RELAXED);
}
/* The site's id, describing it in the trace the first time. */
uint64_t thrace__trace_site(const thrace__site *site);
/* A thrace result code as an outcome. */
int thrace__trace_outcome(int code);
/* The time since start (read by THRACE__CLOCK_IF) in nanoseconds; 0 when
 * start was never read (all zero: tracing came on during the wait). */
uint64_t thrace__trace_ns_since(const struct timespec *start);

/* Reads the clock only when `event` is enabled: costly arguments stay off.
 * Otherwise start is zeroed, which thrace__trace_ns_since knows. */
#define THRACE__CLOCK_IF(event, start)                                                             \
    do {                                                                                           \
        if (THRACE__ENABLED(event))                                                                \
            clock_gettime(CLOCK_MONOTONIC, (start));                                               \
        else                                                                                       \
            *(start) = (struct timespec){0, 0};                                                    \
    } while (0)

#endif
