/*
 * vocabulary.h - the trace's vocabulary, written once: the events of the
 * LTTng-UST provider `thrace` and their fields, the object kinds, outcomes
 * and thread kinds they carry, the interval states the store derives from
 * them, and the wake-ups the viewer draws. Everything that names these
 * includes this file: the provider (lib/probe/thrace_tp.h) declares its
 * tracepoints from it, libthrace emits with its numbers, the store, the
 * queries and the viewer read with its names, and vocabulary_gen.c turns
 * it into SQL literals (vocabulary_sql.h) and the page's vocabulary.js.
 *
 * The lists are X-macros: VOCAB_KINDS(X) calls X(name, number, class) for
 * each kind, and so on. A name is written as a token (lock, acquire_end),
 * which becomes the string stored and shown ("lock", "acquire_end") and
 * the suffix of its enum constant (VOCAB_KIND_lock, VOCAB_EV_acquire_end),
 * so that grep finds every use of a word. Numbers in the provider's
 * enumerations are part of the trace format: append, never renumber.
 *
 * To add an event: define VOCAB_EVENT_<name>(F, E) with its fields (F for
 * a plain field, E for one of an enumeration), add it to VOCAB_EVENTS at
 * the end, and add any new field to VOCAB_FIELDS with its VOCAB_FIELD_<name>.
 * CONTRIBUTING.md walks through it.
 */
#ifndef THRACE_LIB_VOCABULARY_VOCABULARY_H
#define THRACE_LIB_VOCABULARY_VOCABULARY_H

#include <stdint.h>
#include <string.h>

/* ---- enumerations the events carry ---------------------------------------- */

/* Object kinds: X(name, number in the trace, the class name of unnamed
 * objects: Lock-1, Condition-2, ...). 0 is no kind. */
#define VOCAB_KINDS(X)                                                                             \
    X(lock, 1, "Lock")                                                                             \
    X(rlock, 2, "RLock")                                                                           \
    X(condition, 3, "Condition")                                                                   \
    X(semaphore, 4, "Semaphore")                                                                   \
    X(bounded_semaphore, 5, "BoundedSemaphore")                                                    \
    X(event, 6, "Event")                                                                           \
    X(barrier, 7, "Barrier")                                                                       \
    X(rwlock, 8, "RWLock")

/* How a blocking call ended: X(name, number in the trace). */
#define VOCAB_OUTCOMES(X)                                                                          \
    X(ok, 0)                                                                                       \
    X(timeout, 1)                                                                                  \
    X(would_block, 2)                                                                              \
    X(broken, 3)                                                                                   \
    X(error, 4)

/* What started a thread's record: X(name, number in the trace). */
#define VOCAB_THREAD_KINDS(X)                                                                      \
    X(thread, 0)                                                                                   \
    X(timer, 1)                                                                                    \
    X(main, 2)                                                                                     \
    X(dummy, 3)                                                                                    \
    X(foreign, 4)

/* ---- fields ----------------------------------------------------------------- */

/*
 * Every payload field: VOCAB_FIELD_<name> is its C type and CTF format
 * (integer, integer_hex, float, string); the format says how the store
 * reads it (an integer, a real, a text). A field of an enumeration is
 * declared int, integer, and named by E in the events that carry it.
 * Each type is the narrowest that holds its values, since LTTng's cost
 * grows with an event's bytes: thread ids and object serials are 32-bit
 * (4 billion of each in a process), a sequence number 64-bit (an object
 * taken 2^31 times would wrap 32 bits), a call site an address. Readers
 * read by name and type, so a width is no part of the format.
 */
#define VOCAB_FIELD_tid       uint32_t, integer     /* the emitting thread (1: the main thread) */
#define VOCAB_FIELD_obj       uint32_t, integer     /* a process-wide object serial */
#define VOCAB_FIELD_seq       uint64_t, integer     /* the object's event sequence number */
#define VOCAB_FIELD_kind      int, integer          /* an object's or a thread's kind */
#define VOCAB_FIELD_outcome   int, integer          /* how a blocking call ended */
#define VOCAB_FIELD_waited_ns uint64_t, integer     /* how long the caller waited */
#define VOCAB_FIELD_value     int64_t, integer      /* depth, semaphore value, barrier index */
#define VOCAB_FIELD_site      uint64_t, integer_hex /* a call site, described by callsite */
#define VOCAB_FIELD_thread    uint32_t, integer     /* a thread an event is about */
#define VOCAB_FIELD_parent    uint32_t, integer     /* the thread that started this one */
#define VOCAB_FIELD_daemon    int, integer
#define VOCAB_FIELD_native_id int64_t, integer /* the kernel's thread id */
#define VOCAB_FIELD_param     int64_t, integer /* semaphore value, parties, a condition's lock */
#define VOCAB_FIELD_line      int, integer
#define VOCAB_FIELD_count     int64_t, integer  /* units a release gives back */
#define VOCAB_FIELD_lock      uint32_t, integer /* a condition's lock (0: an event's wait) */
#define VOCAB_FIELD_waker     uint64_t, integer /* the seq of the notify or set that woke a wait */
#define VOCAB_FIELD_requested int64_t, integer  /* notify(n): n, -1 for all */
#define VOCAB_FIELD_woken     uint64_t, integer
#define VOCAB_FIELD_cycle     uint64_t, integer     /* rounds a barrier had completed before */
#define VOCAB_FIELD_index     int64_t, integer      /* arrival order at a barrier, -1 broken */
#define VOCAB_FIELD_timer     uint32_t, integer     /* a cancelled timer's thread */
#define VOCAB_FIELD_level     int, integer          /* a log line's level */
#define VOCAB_FIELD_shared    int, integer          /* an rwlock's read (1) or write (0) hold */
#define VOCAB_FIELD_addr      uint64_t, integer_hex /* an object's address, for its symbol */
#define VOCAB_FIELD_var       uint64_t, integer_hex /* a libthrace object's value's address */
#define VOCAB_FIELD_made      uint64_t, integer_hex /* where an init was called: its return address */
#define VOCAB_FIELD_timeout   double, float         /* seconds, -1 for none */
#define VOCAB_FIELD_interval  double, float         /* a timer's seconds, -1 until cancelled */
#define VOCAB_FIELD_seconds   double, float         /* a sleep's seconds */
#define VOCAB_FIELD_name      const char *, string
#define VOCAB_FIELD_file      const char *, string
#define VOCAB_FIELD_func      const char *, string
#define VOCAB_FIELD_text      const char *, string /* a log line's message */
#define VOCAB_FIELD_report    const char *, string /* a deadlock libthrace saw, as it told it */
/* A call site's callers when first seen: return addresses in hex, innermost first. */
#define VOCAB_FIELD_callers const char *, string

/* Every field, X(name): integers, then reals, then texts, as the store reads them. */
#define VOCAB_FIELDS(X)                                                                            \
    X(tid)                                                                                         \
    X(obj)                                                                                         \
    X(seq)                                                                                         \
    X(kind)                                                                                        \
    X(outcome)                                                                                     \
    X(waited_ns)                                                                                   \
    X(value)                                                                                       \
    X(site)                                                                                        \
    X(thread)                                                                                      \
    X(parent)                                                                                      \
    X(daemon)                                                                                      \
    X(native_id)                                                                                   \
    X(param)                                                                                       \
    X(line)                                                                                        \
    X(count)                                                                                       \
    X(lock)                                                                                        \
    X(waker)                                                                                       \
    X(requested)                                                                                   \
    X(woken)                                                                                       \
    X(cycle)                                                                                       \
    X(index)                                                                                       \
    X(timer)                                                                                       \
    X(level)                                                                                       \
    X(shared)                                                                                      \
    X(addr)                                                                                        \
    X(var)                                                                                         \
    X(timeout)                                                                                     \
    X(interval)                                                                                    \
    X(seconds)                                                                                     \
    X(name)                                                                                        \
    X(file)                                                                                        \
    X(func)                                                                                        \
    X(text)                                                                                        \
    X(report)                                                                                      \
    X(callers)                                                                                     \
    X(made)

/* ---- events ------------------------------------------------------------------ */

/*
 * Every event's first field, which the probe adds itself (no tracepoint
 * takes it as an argument): the emitting process's id, its vpid, which
 * tells apart the processes whose events share LTTng's per-UID buffers.
 * A field costs LTTng a few stores where a vpid context costs it a call
 * per event. Readers take it for the process, as they take a vpid context
 * in traces recorded with one.
 */
#define VOCAB_PROCESS_FIELD      pid
#define VOCAB_PROCESS_FIELD_TYPE uint32_t
#define VOCAB_PROCESS_FIELD_NAME VOCAB__STRING(VOCAB_PROCESS_FIELD)
#define VOCAB__STRING(token)     VOCAB__STRING_(token)
#define VOCAB__STRING_(token)    #token

/*
 * Each event's fields, in the payload's order (after the process field):
 * F(field), or E(field, enumeration) for object_kind, outcome and
 * thread_kind. Conventions: a thread's events carry tid first; an object's carry obj and seq, which
 * orders hand-offs across CPUs exactly; blocking calls carry the site
 * they were made at; times are nanoseconds.
 */

/* A thread's first event: who it is. */
#define VOCAB_EVENT_thread_start(F, E)                                                             \
    F(tid) F(parent) E(kind, thread_kind) F(daemon) F(native_id) F(name)
#define VOCAB_EVENT_thread_exit(F, E)   F(tid)
#define VOCAB_EVENT_thread_rename(F, E) F(tid) F(thread) F(name)
/* Only when the joined thread is still alive. */
#define VOCAB_EVENT_join_begin(F, E) F(tid) F(thread) F(site) F(timeout)
#define VOCAB_EVENT_join_end(F, E)   F(tid) F(thread) E(outcome, outcome)
/* param: a semaphore's value, a barrier's parties, a condition's lock. addr: a
 * pthread object's address (the interposer's), which names it; var: the address of
 * a libthrace object's value, which only tells the variable beside its name; made:
 * the return address of the libthrace init that made it, which tells where an object
 * without a variable was made (0: unknown, as for one statically initialised; traces
 * before it lack it). */
#define VOCAB_EVENT_object_create(F, E)                                                            \
    F(tid) F(obj) E(kind, object_kind) F(param) F(name) F(addr) F(var) F(made)
#define VOCAB_EVENT_object_name(F, E) F(tid) F(obj) E(kind, object_kind) F(name)
/* Describes a call site once: the id that blocking calls' events carry.
 * callers: the stack that first reached it, from the frame that made the
 * callsite event outwards, up to the thread's function (traces before it
 * lack it); tid: the thread whose stack that is (traces before it lack it:
 * the collector guessed the thread). */
#define VOCAB_EVENT_callsite(F, E) F(tid) F(site) F(file) F(line) F(func) F(callers)
/* Lock, RLock, Semaphore, mutex, rwlock (shared: a read hold): begin only
 * when the caller is about to block. */
#define VOCAB_EVENT_acquire_begin(F, E)                                                            \
    F(tid) F(obj) F(seq) E(kind, object_kind) F(site) F(timeout) F(shared)
/* value: an RLock's depth or a semaphore's value once acquired. */
#define VOCAB_EVENT_acquire_end(F, E)                                                              \
    F(tid)                                                                                         \
    F(obj) F(seq) E(kind, object_kind) E(outcome, outcome) F(waited_ns) F(value) F(site) F(shared)
/* Emitted before the real unlock. value: depth or value after; count: n;
 * site: where it was released (0 for a condition wait's own release). */
#define VOCAB_EVENT_release(F, E)                                                                  \
    F(tid) F(obj) F(seq) E(kind, object_kind) F(value) F(count) F(site) F(shared)
/*
 * Compact forms of the commonest acquire_end and release, which a reader
 * takes for the events they stand for: a Lock (or a mutex that is not
 * recursive) acquired at once, outcome ok, waited_ns 0, value 1, shared 0;
 * and its release, value 0, count 1, shared 0. An uncontended cycle costs
 * half the bytes (LTTng's cost grows with them); no other event has a
 * compact form.
 */
#define VOCAB_EVENT_lock_acquired(F, E) F(tid) F(obj) F(seq) F(site)
#define VOCAB_EVENT_lock_released(F, E) F(tid) F(obj) F(seq) F(site)
/* A release refused (THRACE_ERANGE): a BoundedSemaphore released past its
 * initial value, Python's ValueError. value: the value it stays at; count: n. */
#define VOCAB_EVENT_release_refused(F, E)                                                          \
    F(tid) F(obj) F(seq) E(kind, object_kind) F(value) F(count) F(site)
/* A wait on a condition (lock: its lock) or an event (lock: 0). */
#define VOCAB_EVENT_cond_wait_begin(F, E) F(tid) F(obj) F(seq) F(lock) F(site) F(timeout)
#define VOCAB_EVENT_cond_wait_end(F, E)                                                            \
    F(tid) F(obj) F(seq) E(outcome, outcome) F(waker) F(waited_ns)
/* A notify and a set say where they were made, as blocking calls do: a
 * wait that never ended names the last one's line. */
#define VOCAB_EVENT_cond_notify(F, E) F(tid) F(obj) F(seq) F(requested) F(woken) F(site)
/* requested: 0 for a set. */
#define VOCAB_EVENT_event_set(F, E)   F(tid) F(obj) F(seq) F(requested) F(woken) F(site)
#define VOCAB_EVENT_event_clear(F, E) F(tid) F(obj) F(seq)
/* Only when the event is unset: the caller is about to block. */
#define VOCAB_EVENT_event_wait_begin(F, E) F(tid) F(obj) F(seq) F(lock) F(site) F(timeout)
#define VOCAB_EVENT_event_wait_end(F, E)                                                           \
    F(tid) F(obj) F(seq) E(outcome, outcome) F(waker) F(waited_ns)
#define VOCAB_EVENT_barrier_wait_begin(F, E) F(tid) F(obj) F(seq) F(cycle) F(site) F(timeout)
#define VOCAB_EVENT_barrier_wait_end(F, E)                                                         \
    F(tid) F(obj) F(seq) F(cycle) E(outcome, outcome) F(index) F(waited_ns)
#define VOCAB_EVENT_barrier_abort(F, E) F(tid) F(obj) F(seq)
#define VOCAB_EVENT_barrier_reset(F, E) F(tid) F(obj) F(seq)
/* The timer thread starts waiting interval seconds. */
#define VOCAB_EVENT_timer_scheduled(F, E) F(tid) F(interval)
#define VOCAB_EVENT_timer_fired(F, E)     F(tid)
#define VOCAB_EVENT_timer_cancelled(F, E) F(tid) F(timer)
#define VOCAB_EVENT_sleep_begin(F, E)     F(tid) F(seconds) F(site)
#define VOCAB_EVENT_sleep_end(F, E)       F(tid)
/* With THRACE_DEADLOCK=1: the calling thread, about to wait for obj, closed
 * a wait-for cycle; report: what libthrace printed, without its prefixes. */
#define VOCAB_EVENT_deadlock(F, E) F(tid) F(obj) F(report)
/* The process ends normally (exit, or main returned) in the thread that
 * ends it: the waits still open were abandoned, not stuck. */
#define VOCAB_EVENT_process_exit(F, E) F(tid)
/* text: the message, without the format's decorations. */
#define VOCAB_EVENT_log(F, E) F(tid) F(level) F(text)

/* Every event, X(name), in the provider's order: append new ones. */
#define VOCAB_EVENTS(X)                                                                            \
    X(thread_start)                                                                                \
    X(thread_exit)                                                                                 \
    X(thread_rename)                                                                               \
    X(join_begin)                                                                                  \
    X(join_end)                                                                                    \
    X(object_create)                                                                               \
    X(object_name)                                                                                 \
    X(callsite)                                                                                    \
    X(acquire_begin)                                                                               \
    X(acquire_end)                                                                                 \
    X(release)                                                                                     \
    X(cond_wait_begin)                                                                             \
    X(cond_wait_end)                                                                               \
    X(cond_notify)                                                                                 \
    X(event_set)                                                                                   \
    X(event_clear)                                                                                 \
    X(event_wait_begin)                                                                            \
    X(event_wait_end)                                                                              \
    X(barrier_wait_begin)                                                                          \
    X(barrier_wait_end)                                                                            \
    X(barrier_abort)                                                                               \
    X(barrier_reset)                                                                               \
    X(timer_scheduled)                                                                             \
    X(timer_fired)                                                                                 \
    X(timer_cancelled)                                                                             \
    X(sleep_begin)                                                                                 \
    X(sleep_end)                                                                                   \
    X(deadlock)                                                                                    \
    X(log)                                                                                         \
    X(process_exit)                                                                                \
    X(lock_acquired)                                                                               \
    X(lock_released)                                                                               \
    X(release_refused)

/* ---- what the store derives ---------------------------------------------------- */

/* What a thread is doing over an interval: X(name, whether it is blocked
 * (sleeping is not), what the legend calls it, the wake-up that ends it
 * (none: nothing wakes it)). running spans a thread's life; the others lie
 * on top of it. */
#define VOCAB_STATES(X)                                                                            \
    X(running, 0, "running", none)                                                                 \
    X(waiting, 1, "waiting for a lock", release)                                                   \
    X(holding, 0, "holding a lock", none)                                                          \
    X(waiting_read, 1, "waiting to read", release)                                                 \
    X(reading, 0, "holding a read lock", none)                                                     \
    X(sleeping, 0, "sleeping", none)                                                               \
    X(joining, 1, "joining a thread", exit)                                                        \
    X(barrier, 1, "at a barrier", barrier)                                                         \
    X(condition, 1, "waiting on a condition", notify)                                              \
    X(event, 1, "waiting for an event", set)

/* How an interval ended besides the outcomes of VOCAB_OUTCOMES, X(name):
 * it had not when the trace did, or its end was lost (discarded). They
 * follow the outcomes in vocab_outcome, but are no part of the provider's
 * enumeration. */
#define VOCAB_INTERVAL_ENDS(X) X(unfinished) X(lost)

/* The wake-ups the viewer draws, X(name, what the legend says): the event
 * in another thread that ended a wait (VOCAB_STATES says which). */
#define VOCAB_WAKEUPS(X)                                                                           \
    X(release, "a release hands the lock over")                                                    \
    X(notify, "a notify wakes a condition wait")                                                   \
    X(set, "a set wakes an event wait")                                                            \
    X(exit, "an exit ends a join")                                                                 \
    X(barrier, "the last arrival releases the barrier")

/* The moments the viewer marks on an object's lane, X(event, mark): the
 * event, and what the mark is called (tracer/store/markcounts.c counts
 * them, viewer/marks.c reads them). */
#define VOCAB_MARKS(X)                                                                             \
    X(cond_notify, notify)                                                                         \
    X(event_set, set)                                                                              \
    X(event_clear, clear)                                                                          \
    X(barrier_abort, abort)                                                                        \
    X(barrier_reset, reset)

/* ---- C forms ------------------------------------------------------------------ */

#define VOCAB__KIND_ENUM(name, number, class)         VOCAB_KIND_##name = number,
#define VOCAB__NUMBERED_ENUM(prefix, name, number)    prefix##name = number,
#define VOCAB__OUTCOME_ENUM(name, number)             VOCAB__NUMBERED_ENUM(VOCAB_OUTCOME_, name, number)
#define VOCAB__END_ENUM(name)                         VOCAB_OUTCOME_##name,
#define VOCAB__THREAD_ENUM(name, number)              VOCAB__NUMBERED_ENUM(VOCAB_THREAD_, name, number)
#define VOCAB__EVENT_ENUM(name)                       VOCAB_EV_##name,
#define VOCAB__FIELD_ENUM(name)                       VOCAB_F_##name,
#define VOCAB__STATE_ENUM(name, blocks, text, wakeup) VOCAB_STATE_##name,

typedef enum { VOCAB_KIND_NONE = 0, VOCAB_KINDS(VOCAB__KIND_ENUM) VOCAB_KIND_END } vocab_kind;
typedef enum {
    VOCAB_OUTCOMES(VOCAB__OUTCOME_ENUM) VOCAB_INTERVAL_ENDS(VOCAB__END_ENUM) VOCAB_OUTCOME_END
} vocab_outcome;
typedef enum { VOCAB_THREAD_KINDS(VOCAB__THREAD_ENUM) VOCAB_THREAD_END } vocab_thread_kind;
/* VOCAB_EV_NONE: an event that is not the provider's. */
typedef enum { VOCAB_EV_NONE = -1, VOCAB_EVENTS(VOCAB__EVENT_ENUM) VOCAB_EV_COUNT } vocab_event;
typedef enum { VOCAB_FIELDS(VOCAB__FIELD_ENUM) VOCAB_F_COUNT } vocab_field;
typedef enum { VOCAB_STATES(VOCAB__STATE_ENUM) VOCAB_STATE_COUNT } vocab_state;
/* VOCAB_WAKEUP_none: a state nothing wakes. */
#define VOCAB__WAKEUP_ENUM(name, text) VOCAB_WAKEUP_##name,
typedef enum {
    VOCAB_WAKEUP_none,
    VOCAB_WAKEUPS(VOCAB__WAKEUP_ENUM) VOCAB_WAKEUP_COUNT
} vocab_wakeup;

/* How the store reads a field's value. */
typedef enum { VOCAB_INT, VOCAB_REAL, VOCAB_TEXT } vocab_value_type;

#define VOCAB__FORMAT_TYPE_integer     VOCAB_INT
#define VOCAB__FORMAT_TYPE_integer_hex VOCAB_INT
#define VOCAB__FORMAT_TYPE_float       VOCAB_REAL
#define VOCAB__FORMAT_TYPE_string      VOCAB_TEXT
#define VOCAB__SECOND(...)             VOCAB__SECOND_(__VA_ARGS__)
#define VOCAB__SECOND_(ctype, format)  VOCAB__FORMAT_TYPE_##format
/* The value type of field `name`, VOCAB_INT ... (a constant expression). */
#define VOCAB_FIELD_TYPE(name) VOCAB__SECOND(VOCAB_FIELD_##name)

/* Every event's field must be a field of VOCAB_FIELDS: these fail to
 * compile otherwise. */
#define VOCAB__CHECK_F(field)              +VOCAB_F_##field
#define VOCAB__CHECK_E(field, enumeration) +VOCAB_F_##field
#define VOCAB__CHECK_EVENT(name)                                                                   \
    enum { VOCAB__CHECKED_##name = 0 VOCAB_EVENT_##name(VOCAB__CHECK_F, VOCAB__CHECK_E) };
VOCAB_EVENTS(VOCAB__CHECK_EVENT)

/* The names, as stored and shown: "acquire_end", "lock", "ok", "running", ...
 * Each table is indexed by its enumeration; a kind's [0] is NULL. */
#define VOCAB__NAME(name)                               #name,
#define VOCAB__NAME_AT(name, number)                    [number] = #name,
#define VOCAB__KIND_NAME_AT(name, number, class)        [number] = #name,
#define VOCAB__KIND_CLASS_AT(name, number, class)       [number] = class,
#define VOCAB__STATE_NAME(name, blocks, text, wakeup)   #name,
#define VOCAB__STATE_BLOCKS(name, blocks, text, wakeup) blocks,
#define VOCAB__FIELD_TYPE(name)                         VOCAB_FIELD_TYPE(name),
#define VOCAB__TABLE(fn, type, n, list)                                                            \
    static inline type const *fn(void)                                                             \
    {                                                                                              \
        static type const table[n] = {list};                                                       \
        return table;                                                                              \
    }
VOCAB__TABLE(vocab__events, const char *, VOCAB_EV_COUNT, VOCAB_EVENTS(VOCAB__NAME))
VOCAB__TABLE(vocab__fields, const char *, VOCAB_F_COUNT, VOCAB_FIELDS(VOCAB__NAME))
VOCAB__TABLE(vocab__field_types, vocab_value_type, VOCAB_F_COUNT, VOCAB_FIELDS(VOCAB__FIELD_TYPE))
VOCAB__TABLE(vocab__kinds, const char *, VOCAB_KIND_END, VOCAB_KINDS(VOCAB__KIND_NAME_AT))
VOCAB__TABLE(vocab__classes, const char *, VOCAB_KIND_END, VOCAB_KINDS(VOCAB__KIND_CLASS_AT))
#define VOCAB__END_NAME_AT(name) [VOCAB_OUTCOME_##name] = #name,
VOCAB__TABLE(vocab__outcomes, const char *, VOCAB_OUTCOME_END,
             VOCAB_OUTCOMES(VOCAB__NAME_AT) VOCAB_INTERVAL_ENDS(VOCAB__END_NAME_AT))
VOCAB__TABLE(vocab__thread_kinds, const char *, VOCAB_THREAD_END,
             VOCAB_THREAD_KINDS(VOCAB__NAME_AT))
VOCAB__TABLE(vocab__states, const char *, VOCAB_STATE_COUNT, VOCAB_STATES(VOCAB__STATE_NAME))
VOCAB__TABLE(vocab__blocks, int, VOCAB_STATE_COUNT, VOCAB_STATES(VOCAB__STATE_BLOCKS))

/* table[i] when 0 <= i < n, else NULL. */
static inline const char *vocab__at(const char *const *table, int64_t n, int64_t i)
{
    return i >= 0 && i < n ? table[i] : NULL;
}

/* The index of `name` in table, or `none`. */
static inline int vocab__find(const char *const *table, int n, const char *name, int none)
{
    for (int i = 0; name && i < n; i++)
        if (table[i] && strcmp(table[i], name) == 0)
            return i;
    return none;
}

/* Each name below is NULL when out of range. */
static inline const char *vocab_event_name(int64_t e)
{
    return vocab__at(vocab__events(), VOCAB_EV_COUNT, e);
}

static inline const char *vocab_field_name(int64_t f)
{
    return vocab__at(vocab__fields(), VOCAB_F_COUNT, f);
}

static inline vocab_value_type vocab_field_type(vocab_field f)
{
    return vocab__field_types()[f];
}

static inline const char *vocab_kind_name(int64_t kind)
{
    return vocab__at(vocab__kinds(), VOCAB_KIND_END, kind);
}

/* "Lock", "Condition", ...: what an unnamed object of the kind is called. */
static inline const char *vocab_kind_class(int64_t kind)
{
    return vocab__at(vocab__classes(), VOCAB_KIND_END, kind);
}

static inline const char *vocab_outcome_name(int64_t outcome)
{
    return vocab__at(vocab__outcomes(), VOCAB_OUTCOME_END, outcome);
}

static inline const char *vocab_thread_kind_name(int64_t kind)
{
    return vocab__at(vocab__thread_kinds(), VOCAB_THREAD_END, kind);
}

static inline const char *vocab_state_name(int64_t s)
{
    return vocab__at(vocab__states(), VOCAB_STATE_COUNT, s);
}

/* Whether a thread in state s is blocked (sleeping is not). */
static inline int vocab_state_blocks(vocab_state s)
{
    return s >= 0 && s < VOCAB_STATE_COUNT && vocab__blocks()[s];
}

/* The event named `name` ("acquire_end", without the provider), or VOCAB_EV_NONE. */
static inline vocab_event vocab_event_of(const char *name)
{
    return (vocab_event)vocab__find(vocab__events(), VOCAB_EV_COUNT, name, VOCAB_EV_NONE);
}

/* The field named `name`, or -1. */
static inline int vocab_field_of(const char *name)
{
    return vocab__find(vocab__fields(), VOCAB_F_COUNT, name, -1);
}

/* The kind named `name` ("lock"), or VOCAB_KIND_NONE. */
static inline vocab_kind vocab_kind_of(const char *name)
{
    return (vocab_kind)vocab__find(vocab__kinds(), VOCAB_KIND_END, name, VOCAB_KIND_NONE);
}

/* The outcome named `name` ("ok"), or -1 (an interval's own end, or none). */
static inline int vocab_outcome_of(const char *name)
{
    return vocab__find(vocab__outcomes(), VOCAB_OUTCOME_END, name, -1);
}

/* The thread kind named `name` ("main"), or -1. */
static inline int vocab_thread_kind_of(const char *name)
{
    return vocab__find(vocab__thread_kinds(), VOCAB_THREAD_END, name, -1);
}

/* The state named `name` ("holding"), or -1. */
static inline int vocab_state_of(const char *name)
{
    return vocab__find(vocab__states(), VOCAB_STATE_COUNT, name, -1);
}

/* The wake-up that ends a wait in state s ("release" for waiting), or NULL
 * for a state that no wake-up ends. */
static inline const char *vocab_wakeup_of(int64_t s)
{
#define VOCAB__WAKEUP_OF(name, blocks, text, wakeup) VOCAB_WAKEUP_##wakeup,
#define VOCAB__WAKEUP_NAME(name, text)               [VOCAB_WAKEUP_##name] = #name,
    static const vocab_wakeup of_state[VOCAB_STATE_COUNT] = {VOCAB_STATES(VOCAB__WAKEUP_OF)};
    static const char *const names[VOCAB_WAKEUP_COUNT] = {VOCAB_WAKEUPS(VOCAB__WAKEUP_NAME)};
#undef VOCAB__WAKEUP_OF
#undef VOCAB__WAKEUP_NAME
    return s >= 0 && s < VOCAB_STATE_COUNT ? names[of_state[s]] : NULL;
}

/* What the viewer calls a mark made by event e ("notify" for cond_notify),
 * or NULL when e makes none. */
static inline const char *vocab_mark_of(int64_t e)
{
#define VOCAB__MARK_AT(event, mark) [VOCAB_EV_##event] = #mark,
    static const char *const marks[VOCAB_EV_COUNT] = {VOCAB_MARKS(VOCAB__MARK_AT)};
#undef VOCAB__MARK_AT
    return vocab__at(marks, VOCAB_EV_COUNT, e);
}

/* ---- the tracing runtime's binaries ---------------------------------------------- */

/* Whether a binary of that path (a loaded object's) is one of the tracing
 * runtime's, whose own pthread calls are not the program's: libthrace,
 * LTTng-UST and liburcu, known by the start of their file's name. The
 * pthread interposer passes their calls through untraced
 * (lib/interpose/gate.c); `thrace ingest` leaves them out of the traces of
 * LTTng's pthread wrapper (tracer/ingest/wrapstore.c). */
static inline int vocab_runtime_binary(const char *path)
{
    static const char *const names[] = {"libthrace.so", "libthrace-tp.so", "libthrace-pthread.so",
                                        "liblttng-ust", "liburcu"};
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncmp(base, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

/* ---- SQL forms ------------------------------------------------------------------ */

/* The words as SQL literals, for the queries: SQL_EVENT(acquire_end) is
 * 'acquire_end', and a word that is not in the vocabulary does not compile.
 * The literals are generated into vocabulary_sql.h by vocabulary_gen.c;
 * SQL_BLOCKING_STATES is ('waiting', ...), every state that blocks;
 * SQL_MARK_EVENTS ('cond_notify', ...), every event of VOCAB_MARKS. */
#define SQL_EVENT(name)       VOCAB_SQL_EVENT_##name
#define SQL_KIND(name)        VOCAB_SQL_KIND_##name
#define SQL_OUTCOME(name)     VOCAB_SQL_OUTCOME_##name
#define SQL_STATE(name)       VOCAB_SQL_STATE_##name
#define SQL_THREAD_KIND(name) VOCAB_SQL_THREAD_##name
#define SQL_BLOCKING_STATES   VOCAB_SQL_BLOCKING_STATES
#define SQL_MARK_EVENTS       VOCAB_SQL_MARK_EVENTS

#ifndef VOCAB_GENERATING
#include "vocabulary_sql.h"
#endif

#endif
