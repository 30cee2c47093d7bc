/*
 * thrace_tp.h - the LTTng-UST tracepoint provider `thrace`: every event that
 * libthrace emits, and the fields the collector reads.
 *
 * Included three ways: by lib/trace.c with LTTNG_UST_TRACEPOINT_DEFINE and
 * LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE (libthrace holds the tracepoint
 * sites but links no liblttng-ust), by the other lib files (to call them),
 * and by tracer/thrace_tp.c with LTTNG_UST_TRACEPOINT_CREATE_PROBES, which
 * builds libthrace-tp.so, the probe provider that `thrace record` preloads.
 *
 * Conventions: `tid` is the emitting thread's thrace id (1 is the main
 * thread); `obj` a process-wide object serial; `seq` that object's event
 * sequence number, which orders hand-offs across CPUs exactly; `site` a call
 * site id, described once by a `callsite` event; times are nanoseconds.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER thrace

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "thrace_tp.h"

#if !defined(THRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define THRACE_TP_H

#include <lttng/tracepoint.h>
#include <stdint.h>

/* What kind of object an event is about. */
LTTNG_UST_TRACEPOINT_ENUM(thrace, object_kind,
    LTTNG_UST_TP_ENUM_VALUES(
        lttng_ust_field_enum_value("lock", 1)
        lttng_ust_field_enum_value("rlock", 2)
        lttng_ust_field_enum_value("condition", 3)
        lttng_ust_field_enum_value("semaphore", 4)
        lttng_ust_field_enum_value("bounded_semaphore", 5)
        lttng_ust_field_enum_value("event", 6)
        lttng_ust_field_enum_value("barrier", 7)))

/* How a blocking call ended. */
LTTNG_UST_TRACEPOINT_ENUM(thrace, outcome,
    LTTNG_UST_TP_ENUM_VALUES(
        lttng_ust_field_enum_value("ok", 0)
        lttng_ust_field_enum_value("timeout", 1)
        lttng_ust_field_enum_value("would_block", 2)
        lttng_ust_field_enum_value("broken", 3)
        lttng_ust_field_enum_value("error", 4)))

/* What started a thread's record: thrace, the process, or a foreign pthread. */
LTTNG_UST_TRACEPOINT_ENUM(thrace, thread_kind,
    LTTNG_UST_TP_ENUM_VALUES(
        lttng_ust_field_enum_value("thread", 0)
        lttng_ust_field_enum_value("timer", 1)
        lttng_ust_field_enum_value("main", 2)
        lttng_ust_field_enum_value("dummy", 3)
        lttng_ust_field_enum_value("foreign", 4)))

/* ---- threads ------------------------------------------------------------ */

/* Emitted by a thread as its first event: who it is. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, thread_start,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, parent, int, kind, int, daemon, int64_t, native_id,
                      const char *, name),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, parent, parent)
        lttng_ust_field_enum(thrace, thread_kind, int, kind, kind)
        lttng_ust_field_integer(int, daemon, daemon)
        lttng_ust_field_integer(int64_t, native_id, native_id)
        lttng_ust_field_string(name, name)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, thread_exit,
    LTTNG_UST_TP_ARGS(uint64_t, tid),
    LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(uint64_t, tid, tid)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, thread_rename,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, thread, const char *, name),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, thread, thread)
        lttng_ust_field_string(name, name)))

/* Only when the joined thread is still alive. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, join_begin,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, thread, uint64_t, site, double, timeout),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, thread, thread)
        lttng_ust_field_integer_hex(uint64_t, site, site)
        lttng_ust_field_float(double, timeout, timeout)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, join_end,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, thread, int, outcome),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, thread, thread)
        lttng_ust_field_enum(thrace, outcome, int, outcome, outcome)))

/* ---- objects ------------------------------------------------------------ */

/* param: a semaphore's value, a barrier's parties, a condition's lock. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, object_create,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, int, kind, int64_t, param, const char *, name),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_enum(thrace, object_kind, int, kind, kind)
        lttng_ust_field_integer(int64_t, param, param)
        lttng_ust_field_string(name, name)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, object_name,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, int, kind, const char *, name),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_enum(thrace, object_kind, int, kind, kind)
        lttng_ust_field_string(name, name)))

/* Describes a call site once: the id that blocking-call events carry. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, callsite,
    LTTNG_UST_TP_ARGS(uint64_t, site, const char *, file, int, line, const char *, func),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, site, site)
        lttng_ust_field_string(file, file)
        lttng_ust_field_integer(int, line, line)
        lttng_ust_field_string(func, func)))

/* ---- Lock, RLock, Semaphore --------------------------------------------- */

/* Only when the caller is about to block. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, acquire_begin,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int, kind, uint64_t, site,
                      double, timeout),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_enum(thrace, object_kind, int, kind, kind)
        lttng_ust_field_integer_hex(uint64_t, site, site)
        lttng_ust_field_float(double, timeout, timeout)))

/* value: an RLock's depth or a semaphore's value once acquired. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, acquire_end,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int, kind, int, outcome,
                      uint64_t, waited_ns, int64_t, value, uint64_t, site),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_enum(thrace, object_kind, int, kind, kind)
        lttng_ust_field_enum(thrace, outcome, int, outcome, outcome)
        lttng_ust_field_integer(uint64_t, waited_ns, waited_ns)
        lttng_ust_field_integer(int64_t, value, value)
        lttng_ust_field_integer_hex(uint64_t, site, site)))

/* Emitted before the real unlock. value: depth or value after; count: n. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, release,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int, kind, int64_t, value,
                      int64_t, count),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_enum(thrace, object_kind, int, kind, kind)
        lttng_ust_field_integer(int64_t, value, value)
        lttng_ust_field_integer(int64_t, count, count)))

/* ---- Condition and Event ------------------------------------------------ */

/* A wait on a condition (lock: its lock's id) or an event (lock: 0). */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(thrace, wait_begin_class,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, uint64_t, lock, uint64_t, site,
                      double, timeout),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_integer(uint64_t, lock, lock)
        lttng_ust_field_integer_hex(uint64_t, site, site)
        lttng_ust_field_float(double, timeout, timeout)))

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, wait_begin_class, thrace, cond_wait_begin,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, uint64_t, lock, uint64_t, site,
                      double, timeout))
/* Only when the event is unset: the caller is about to block. */
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, wait_begin_class, thrace, event_wait_begin,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, uint64_t, lock, uint64_t, site,
                      double, timeout))

/* waker: the seq of the notify or set that woke the caller (0: none). */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(thrace, wait_end_class,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int, outcome, uint64_t, waker,
                      uint64_t, waited_ns),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_enum(thrace, outcome, int, outcome, outcome)
        lttng_ust_field_integer(uint64_t, waker, waker)
        lttng_ust_field_integer(uint64_t, waited_ns, waited_ns)))

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, wait_end_class, thrace, cond_wait_end,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int, outcome, uint64_t, waker,
                      uint64_t, waited_ns))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, wait_end_class, thrace, event_wait_end,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int, outcome, uint64_t, waker,
                      uint64_t, waited_ns))

/* A notify (requested: n) or an event set (requested: 0); woken: how many. */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(thrace, wake_class,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int64_t, requested, uint64_t,
                      woken),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_integer(int64_t, requested, requested)
        lttng_ust_field_integer(uint64_t, woken, woken)))

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, wake_class, thrace, cond_notify,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int64_t, requested, uint64_t,
                      woken))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, wake_class, thrace, event_set,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, int64_t, requested, uint64_t,
                      woken))

/* An operation on an object that carries nothing else. */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(thrace, object_op_class,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)))

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, object_op_class, thrace, event_clear,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, object_op_class, thrace, barrier_abort,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(thrace, object_op_class, thrace, barrier_reset,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq))

/* ---- Barrier ------------------------------------------------------------ */

/* cycle: how many times the barrier had released its parties before. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, barrier_wait_begin,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, uint64_t, cycle, uint64_t,
                      site, double, timeout),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_integer(uint64_t, cycle, cycle)
        lttng_ust_field_integer_hex(uint64_t, site, site)
        lttng_ust_field_float(double, timeout, timeout)))

/* index: the arrival order, -1 when broken. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, barrier_wait_end,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, uint64_t, seq, uint64_t, cycle, int, outcome,
                      int64_t, index, uint64_t, waited_ns),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_integer(uint64_t, seq, seq)
        lttng_ust_field_integer(uint64_t, cycle, cycle)
        lttng_ust_field_enum(thrace, outcome, int, outcome, outcome)
        lttng_ust_field_integer(int64_t, index, index)
        lttng_ust_field_integer(uint64_t, waited_ns, waited_ns)))

/* ---- Timer and sleep ---------------------------------------------------- */

/* The timer thread starts waiting interval seconds (-1: until cancelled). */
LTTNG_UST_TRACEPOINT_EVENT(thrace, timer_scheduled,
    LTTNG_UST_TP_ARGS(uint64_t, tid, double, interval),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_float(double, interval, interval)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, timer_fired,
    LTTNG_UST_TP_ARGS(uint64_t, tid),
    LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(uint64_t, tid, tid)))

/* timer: the cancelled timer's thread id. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, timer_cancelled,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, timer),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, timer, timer)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, sleep_begin,
    LTTNG_UST_TP_ARGS(uint64_t, tid, double, seconds, uint64_t, site),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_float(double, seconds, seconds)
        lttng_ust_field_integer_hex(uint64_t, site, site)))

LTTNG_UST_TRACEPOINT_EVENT(thrace, sleep_end,
    LTTNG_UST_TP_ARGS(uint64_t, tid),
    LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(uint64_t, tid, tid)))

/* ---- deadlocks ---------------------------------------------------------- */

/*
 * With THRACE_DEADLOCK=1: the calling thread, about to wait for obj, closed
 * a wait-for cycle; report: what libthrace printed (tracer/DEADLOCKS.md's
 * format, without the `thrace: ` prefixes).
 */
LTTNG_UST_TRACEPOINT_EVENT(thrace, deadlock,
    LTTNG_UST_TP_ARGS(uint64_t, tid, uint64_t, obj, const char *, report),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(uint64_t, obj, obj)
        lttng_ust_field_string(report, report)))

/* ---- logging ------------------------------------------------------------ */

/* text: the message, without the format's decorations. */
LTTNG_UST_TRACEPOINT_EVENT(thrace, log,
    LTTNG_UST_TP_ARGS(uint64_t, tid, int, level, const char *, text),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, tid, tid)
        lttng_ust_field_integer(int, level, level)
        lttng_ust_field_string(text, text)))

#endif /* THRACE_TP_H */

#include <lttng/tracepoint-event.h>
