/*
 * test_model_live.c - live storing in the store's model (tracer/store/model.h):
 * a trace stored in many transactions (checkpointed, reopened, resumed by a
 * new model as a restarted daemon does) stores the very rows that storing
 * it in one pass does; and a reader sees each checkpoint whole, the
 * intervals still open stored as 'unfinished' at the live edge. The
 * summaries the model keeps (object_stats, thread_stats) are among those
 * rows, and `thrace stats`' queries on them give, at every checkpoint and
 * at the end, what a recomputation from the events and intervals gives.
 *
 * The events are shaped as `thrace ingest` decodes real ones: the fields of
 * lib/vocabulary/vocabulary.h, in its argument order, with the vpid, vtid and
 * procname contexts that `thrace record` adds. A process traced through the
 * pthread interposer has its binaries told as LTTng-UST's statedump tells
 * them: this test's own executable (self_binary.h), whose code and data
 * addresses its events carry, and a library that is gone.
 */
#include "harness.h"
#include "self_binary.h"

#include "lockedges_oracle.h"
#include "query.h"
#include "store.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

/* ---- the scenario --------------------------------------------------------------- */

typedef enum { STEP_EVENT, STEP_DISCARD, STEP_PACKET_END, STEP_BINARY } step_kind;

typedef struct {
    step_kind kind;
    model_event e;  /* its ts: a discard's range end, a packet's end */
    model_binary b; /* STEP_BINARY's */
} step;

enum { MAX_STEPS = 180, A = 100, B = 200, C = 300 };

static step steps[MAX_STEPS];
static size_t nsteps;
static int64_t now = 1700000000000000000;
static size_t sleep_step; /* the step after thread 2's first sleep began */

/* A thread's kernel id (thread_start's native_id, the vtid context). */
static int64_t native(int64_t pid, int64_t tid)
{
    return pid * 10 + tid;
}

#define FI(f, v) (int)(f), (int64_t)(v)
#define FD(f, v) (int)(f), (double)(v)
#define FS(f, v) (int)(f), (const char *)(v)
#define END      (-1)

/* Appends an event of process pid (vtid 0: none), 1 us after the last
 * step, its fields given as FI/FD/FS pairs up to END. */
static void emit(int64_t pid, int64_t vtid, vocab_event type, ...)
{
    ASSERT_TRUE(nsteps < MAX_STEPS);
    step *s = &steps[nsteps++];
    model_event *e = &s->e;
    *e = (model_event){.type = type, .ts = now += 1000, .has_vpid = true, .vpid = pid};
    e->has_vtid = vtid != 0;
    e->vtid = vtid;
    e->procname = pid == A ? "prog" : "child";
    va_list ap;
    va_start(ap, type);
    for (int f; (f = va_arg(ap, int)) != END;) {
        e->present |= MODEL_FIELD(f);
        if (vocab_field_type((vocab_field)f) == VOCAB_INT)
            e->f[f].i = va_arg(ap, int64_t);
        else if (vocab_field_type((vocab_field)f) == VOCAB_REAL)
            e->f[f].d = va_arg(ap, double);
        else
            e->f[f].s = va_arg(ap, const char *);
    }
    va_end(ap);
}

static void other_step(step_kind kind, int64_t dt)
{
    ASSERT_TRUE(nsteps < MAX_STEPS);
    steps[nsteps++] = (step){.kind = kind, .e = {.ts = now += dt}};
}

/* lttng_ust_statedump:bin_info (id NULL), or build_id (path NULL). */
static void statedump(int64_t pid, uint64_t base, uint64_t size, const char *path,
                      const uint8_t *id, size_t len)
{
    ASSERT_TRUE(nsteps < MAX_STEPS);
    steps[nsteps++] = (step){.kind = STEP_BINARY,
                             .e = {.ts = now += 1000},
                             .b = {.has_vpid = true,
                                   .vpid = pid,
                                   .base = base,
                                   .size = size,
                                   .path = path,
                                   .build_id = id,
                                   .build_id_len = len}};
}

/* The tracepoints, their arguments in thrace_tp.h's order. */

static void tp_thread_start(int64_t pid, int64_t tid, int64_t parent, int kind, int daemon,
                            const char *name)
{
    emit(pid, native(pid, tid), VOCAB_EV_thread_start, FI(VOCAB_F_tid, tid),
         FI(VOCAB_F_parent, parent), FI(VOCAB_F_kind, kind), FI(VOCAB_F_daemon, daemon),
         FI(VOCAB_F_native_id, native(pid, tid)), FS(VOCAB_F_name, name), END);
}

static void tp_thread_exit(int64_t pid, int64_t tid)
{
    emit(pid, native(pid, tid), VOCAB_EV_thread_exit, FI(VOCAB_F_tid, tid), END);
}

static void tp_thread_rename(int64_t pid, int64_t tid, int64_t thread, const char *name)
{
    emit(pid, native(pid, tid), VOCAB_EV_thread_rename, FI(VOCAB_F_tid, tid),
         FI(VOCAB_F_thread, thread), FS(VOCAB_F_name, name), END);
}

static void tp_join_begin(int64_t pid, int64_t tid, int64_t thread, int64_t site, double timeout)
{
    emit(pid, native(pid, tid), VOCAB_EV_join_begin, FI(VOCAB_F_tid, tid),
         FI(VOCAB_F_thread, thread), FI(VOCAB_F_site, site), FD(VOCAB_F_timeout, timeout), END);
}

static void tp_join_end(int64_t pid, int64_t tid, int64_t thread, int outcome)
{
    emit(pid, native(pid, tid), VOCAB_EV_join_end, FI(VOCAB_F_tid, tid), FI(VOCAB_F_thread, thread),
         FI(VOCAB_F_outcome, outcome), END);
}

static void tp_object_create(int64_t pid, int64_t tid, int64_t obj, int kind, int64_t param,
                             const char *name)
{
    emit(pid, native(pid, tid), VOCAB_EV_object_create, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_kind, kind), FI(VOCAB_F_param, param), FS(VOCAB_F_name, name), END);
}

/* The interposer's: an object with its address, no name. */
static void tp_object_create_at(int64_t pid, int64_t tid, int64_t obj, int kind, uint64_t addr)
{
    emit(pid, native(pid, tid), VOCAB_EV_object_create, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_kind, kind), FI(VOCAB_F_param, 0), FS(VOCAB_F_name, ""), FI(VOCAB_F_addr, addr),
         END);
}

static void tp_object_name(int64_t pid, int64_t tid, int64_t obj, int kind, const char *name)
{
    emit(pid, native(pid, tid), VOCAB_EV_object_name, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_kind, kind), FS(VOCAB_F_name, name), END);
}

/* vtid 0: an event without the context, whose thread is the process's last to emit. */
static void tp_callsite(int64_t pid, int64_t vtid, int64_t site, const char *file, int line,
                        const char *func)
{
    emit(pid, vtid, VOCAB_EV_callsite, FI(VOCAB_F_site, site), FS(VOCAB_F_file, file),
         FI(VOCAB_F_line, line), FS(VOCAB_F_func, func), END);
}

static void tp_acquire_begin(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int kind,
                             int64_t site, double timeout)
{
    emit(pid, native(pid, tid), VOCAB_EV_acquire_begin, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_kind, kind), FI(VOCAB_F_site, site),
         FD(VOCAB_F_timeout, timeout), END);
}

static void tp_acquire_end(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int kind,
                           int outcome, int64_t waited_ns, int64_t value, int64_t site)
{
    emit(pid, native(pid, tid), VOCAB_EV_acquire_end, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_kind, kind), FI(VOCAB_F_outcome, outcome),
         FI(VOCAB_F_waited_ns, waited_ns), FI(VOCAB_F_value, value), FI(VOCAB_F_site, site), END);
}

/* kind 0: a release that does not say it (its object's kind unknown). */
static void tp_release(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int kind, int64_t value,
                       int64_t count)
{
    if (kind)
        emit(pid, native(pid, tid), VOCAB_EV_release, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
             FI(VOCAB_F_seq, seq), FI(VOCAB_F_kind, kind), FI(VOCAB_F_value, value),
             FI(VOCAB_F_count, count), END);
    else
        emit(pid, native(pid, tid), VOCAB_EV_release, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
             FI(VOCAB_F_seq, seq), FI(VOCAB_F_value, value), FI(VOCAB_F_count, count), END);
}

/* cond_wait_begin and event_wait_begin (lock 0). */
static void tp_wait_begin(vocab_event type, int64_t pid, int64_t tid, int64_t obj, int64_t seq,
                          int64_t lock, int64_t site, double timeout)
{
    emit(pid, native(pid, tid), type, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_lock, lock), FI(VOCAB_F_site, site),
         FD(VOCAB_F_timeout, timeout), END);
}

/* cond_wait_end and event_wait_end. */
static void tp_wait_end(vocab_event type, int64_t pid, int64_t tid, int64_t obj, int64_t seq,
                        int outcome, int64_t waker, int64_t waited_ns)
{
    emit(pid, native(pid, tid), type, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_outcome, outcome), FI(VOCAB_F_waker, waker),
         FI(VOCAB_F_waited_ns, waited_ns), END);
}

/* cond_notify and event_set (requested 0). */
static void tp_wake(vocab_event type, int64_t pid, int64_t tid, int64_t obj, int64_t seq,
                    int64_t requested, int64_t woken)
{
    emit(pid, native(pid, tid), type, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_requested, requested), FI(VOCAB_F_woken, woken), END);
}

static void tp_event_clear(int64_t pid, int64_t tid, int64_t obj, int64_t seq)
{
    emit(pid, native(pid, tid), VOCAB_EV_event_clear, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), END);
}

static void tp_barrier_wait_begin(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int64_t cycle,
                                  int64_t site, double timeout)
{
    emit(pid, native(pid, tid), VOCAB_EV_barrier_wait_begin, FI(VOCAB_F_tid, tid),
         FI(VOCAB_F_obj, obj), FI(VOCAB_F_seq, seq), FI(VOCAB_F_cycle, cycle),
         FI(VOCAB_F_site, site), FD(VOCAB_F_timeout, timeout), END);
}

static void tp_barrier_wait_end(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int64_t cycle,
                                int outcome, int64_t index, int64_t waited_ns)
{
    emit(pid, native(pid, tid), VOCAB_EV_barrier_wait_end, FI(VOCAB_F_tid, tid),
         FI(VOCAB_F_obj, obj), FI(VOCAB_F_seq, seq), FI(VOCAB_F_cycle, cycle),
         FI(VOCAB_F_outcome, outcome), FI(VOCAB_F_index, index), FI(VOCAB_F_waited_ns, waited_ns),
         END);
}

static void tp_timer_scheduled(int64_t pid, int64_t tid, double interval)
{
    emit(pid, native(pid, tid), VOCAB_EV_timer_scheduled, FI(VOCAB_F_tid, tid),
         FD(VOCAB_F_interval, interval), END);
}

static void tp_timer_cancelled(int64_t pid, int64_t tid, int64_t timer)
{
    emit(pid, native(pid, tid), VOCAB_EV_timer_cancelled, FI(VOCAB_F_tid, tid),
         FI(VOCAB_F_timer, timer), END);
}

static void tp_sleep_begin(int64_t pid, int64_t tid, double seconds, int64_t site)
{
    emit(pid, native(pid, tid), VOCAB_EV_sleep_begin, FI(VOCAB_F_tid, tid),
         FD(VOCAB_F_seconds, seconds), FI(VOCAB_F_site, site), END);
}

static void tp_sleep_end(int64_t pid, int64_t tid)
{
    emit(pid, native(pid, tid), VOCAB_EV_sleep_end, FI(VOCAB_F_tid, tid), END);
}

/* An rwlock's acquire_begin, acquire_end and release: shared 1 for a read hold. */
static void tp_rw_acquire_begin(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int shared,
                                int64_t site)
{
    emit(pid, native(pid, tid), VOCAB_EV_acquire_begin, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_kind, VOCAB_KIND_rwlock), FI(VOCAB_F_site, site),
         FD(VOCAB_F_timeout, -1), FI(VOCAB_F_shared, shared), END);
}

static void tp_rw_acquire_end(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int shared,
                              int64_t waited_ns, int64_t value, int64_t site)
{
    emit(pid, native(pid, tid), VOCAB_EV_acquire_end, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_kind, VOCAB_KIND_rwlock),
         FI(VOCAB_F_outcome, VOCAB_OUTCOME_ok), FI(VOCAB_F_waited_ns, waited_ns),
         FI(VOCAB_F_value, value), FI(VOCAB_F_site, site), FI(VOCAB_F_shared, shared), END);
}

static void tp_rw_release(int64_t pid, int64_t tid, int64_t obj, int64_t seq, int shared,
                          int64_t value)
{
    emit(pid, native(pid, tid), VOCAB_EV_release, FI(VOCAB_F_tid, tid), FI(VOCAB_F_obj, obj),
         FI(VOCAB_F_seq, seq), FI(VOCAB_F_kind, VOCAB_KIND_rwlock), FI(VOCAB_F_value, value),
         FI(VOCAB_F_count, 1), FI(VOCAB_F_shared, shared), END);
}

static void tp_log(int64_t pid, int64_t tid, int level, const char *text)
{
    emit(pid, native(pid, tid), VOCAB_EV_log, FI(VOCAB_F_tid, tid), FI(VOCAB_F_level, level),
         FS(VOCAB_F_text, text), END);
}

/* Process C's static object, named by its symbol. */
static int interposed_lock;

static self_binary self;
static int here_line; /* the line of interposed_end's call site */

/* A return address in this test's code, as the interposer's sites are. */
static __attribute__((noinline)) int64_t return_address(void)
{
    int64_t ip = (int64_t)(uintptr_t)__builtin_return_address(0);
    __asm__ volatile("" ::: "memory"); /* no tail call */
    return ip;
}

/* Process C's binaries and objects: this executable with its build ID, a
 * library gone since; interposed_lock, and a heap object. */
static void interposed_begin(void)
{
    ASSERT_TRUE(self_binary_get(&self));
    statedump(C, self.base, self.size, self.path, NULL, 0);
    statedump(C, self.base, 0, NULL, self.build_id, self.build_id_len);
    statedump(C, 0x7f0000000000, 0x10000, "/nonexistent/thrace/libgone.so", NULL, 0);
    tp_thread_start(C, 1, 0, VOCAB_THREAD_main, 0, "MainThread");
    tp_object_create_at(C, 1, 1, VOCAB_KIND_lock, (uint64_t)(uintptr_t)&interposed_lock);
    tp_object_create_at(C, 1, 2, VOCAB_KIND_lock, 0x5000000);
}

/* Process C's acquires: the heap object's first site is in the gone library.
 * Not inlined: its call site's function is its own. */
static __attribute__((noinline)) void interposed_end(void)
{
    here_line = __LINE__ + 1;
    int64_t here = return_address();
    tp_acquire_end(C, 1, 1, 1, VOCAB_KIND_lock, VOCAB_OUTCOME_ok, 0, 0, here);
    tp_release(C, 1, 1, 2, VOCAB_KIND_lock, 0, 1);
    tp_acquire_end(C, 1, 2, 1, VOCAB_KIND_lock, VOCAB_OUTCOME_ok, 0, 0, 0x7f0000001234);
    tp_release(C, 1, 2, 2, VOCAB_KIND_lock, 0, 1);
    tp_acquire_end(C, 1, 2, 3, VOCAB_KIND_lock, VOCAB_OUTCOME_ok, 0, 0, here);
}

/* Threads 1-3 of process A share every kind of object; process B holds a
 * lock for good; a thread without thread_start logs a line; process C is
 * traced through the interposer. */
static void scenario(void)
{
    enum {
        MAIN = 2,
        TIMER = 1,
        LOCK = VOCAB_KIND_lock,
        RLOCK = VOCAB_KIND_rlock,
        SEM = VOCAB_KIND_semaphore
    };
    tp_thread_start(A, 1, 0, MAIN, 0, "MainThread");
    tp_callsite(A, native(A, 1), 0xa1, "prog.c", 10, "main");
    tp_object_create(A, 1, 1, LOCK, 0, "");
    tp_object_create(A, 1, 2, RLOCK, 0, "table");
    tp_object_create(A, 1, 3, VOCAB_KIND_condition, 6, ""); /* its lock, 6, is announced later */
    tp_object_create(A, 1, 4, SEM, 2, "");
    tp_object_create(A, 1, 5, VOCAB_KIND_event, 0, "ready");
    tp_object_name(A, 1, 1, LOCK, "db");
    tp_thread_start(A, 2, 1, 0, 0, "Thread-1");
    tp_thread_start(A, 3, 1, 0, 1, "Thread-2");
    tp_thread_rename(A, 1, 2, "worker");
    tp_callsite(A, native(A, 2), 0xa2, "prog.c", 20, "worker");

    tp_thread_start(B, 1, 0, MAIN, 0, "MainThread");
    tp_object_create(B, 1, 1, LOCK, 0, "");
    tp_acquire_end(B, 1, 1, 1, LOCK, VOCAB_OUTCOME_ok, 0, 0, 0);
    tp_log(B, 1, 20, "child holds its lock");

    /* Lock: uncontended, then handed over, the acquire clocked before the release. */
    tp_acquire_end(A, 1, 1, 1, LOCK, VOCAB_OUTCOME_ok, 0, 0, 0xa1);
    tp_acquire_begin(A, 2, 1, 2, LOCK, 0xa2, -1);
    tp_acquire_end(A, 2, 1, 4, LOCK, VOCAB_OUTCOME_ok, 2000, 0, 0xa2);
    tp_release(A, 1, 1, 3, LOCK, 0, 1);
    /* RLock entered twice. */
    tp_acquire_end(A, 3, 2, 1, RLOCK, VOCAB_OUTCOME_ok, 0, 1, 0xa2);
    tp_acquire_end(A, 3, 2, 2, RLOCK, VOCAB_OUTCOME_ok, 0, 2, 0xa2);
    tp_log(A, 3, 20, "nested");
    tp_release(A, 3, 2, 3, RLOCK, 1, 1);
    /* Semaphore(2): a contended unit, then two units held by one thread. */
    tp_acquire_end(A, 1, 4, 1, SEM, VOCAB_OUTCOME_ok, 0, 1, 0xa1);
    tp_acquire_end(A, 2, 4, 2, SEM, VOCAB_OUTCOME_ok, 0, 0, 0xa2);
    tp_acquire_begin(A, 3, 4, 3, SEM, 0xa2, -1);
    tp_release(A, 1, 4, 4, SEM, 1, 1);
    tp_acquire_end(A, 3, 4, 5, SEM, VOCAB_OUTCOME_ok, 3000, 0, 0xa2);
    tp_release(A, 2, 4, 6, SEM, 1, 1);
    tp_release(A, 3, 4, 7, SEM, 2, 1);
    tp_acquire_end(A, 1, 4, 8, SEM, VOCAB_OUTCOME_ok, 0, 1, 0xa1);
    tp_acquire_end(A, 1, 4, 9, SEM, VOCAB_OUTCOME_ok, 0, 0, 0xa1);
    other_step(STEP_DISCARD, 500);
    tp_release(A, 1, 4, 10, SEM, 1, 1);
    /* A condition over a lock announced after it. */
    tp_object_create(A, 1, 6, LOCK, 0, "");
    tp_acquire_end(A, 2, 6, 1, LOCK, VOCAB_OUTCOME_ok, 0, 0, 0xa2);
    tp_wait_begin(VOCAB_EV_cond_wait_begin, A, 2, 3, 1, 6, 0xa2, -1);
    tp_release(A, 2, 6, 2, LOCK, 0, 1);
    tp_acquire_end(A, 1, 6, 3, LOCK, VOCAB_OUTCOME_ok, 0, 0, 0xa1);
    tp_wake(VOCAB_EV_cond_notify, A, 1, 3, 2, 1, 1);
    tp_release(A, 1, 6, 4, LOCK, 0, 1);
    tp_wait_end(VOCAB_EV_cond_wait_end, A, 2, 3, 3, VOCAB_OUTCOME_ok, 2, 5000);
    tp_acquire_end(A, 2, 6, 5, LOCK, VOCAB_OUTCOME_ok, 100, 0, 0xa2);
    tp_release(A, 2, 6, 6, LOCK, 0, 1);
    /* Event. */
    tp_wait_begin(VOCAB_EV_event_wait_begin, A, 3, 5, 1, 0, 0xa2, 1.5);
    tp_wake(VOCAB_EV_event_set, A, 1, 5, 2, 0, 1);
    tp_wait_end(VOCAB_EV_event_wait_end, A, 3, 5, 3, VOCAB_OUTCOME_ok, 2, 4000);
    tp_event_clear(A, 1, 5, 4);
    /* Barrier(2). */
    tp_object_create(A, 1, 7, VOCAB_KIND_barrier, 2, "");
    tp_barrier_wait_begin(A, 2, 7, 1, 0, 0xa2, -1);
    tp_barrier_wait_begin(A, 3, 7, 2, 0, 0xa2, -1);
    tp_barrier_wait_end(A, 3, 7, 3, 0, VOCAB_OUTCOME_ok, 1, 10);
    tp_barrier_wait_end(A, 2, 7, 4, 0, VOCAB_OUTCOME_ok, 0, 20);
    /* RWLock: two readers at once, a writer waiting for them, a reader for the writer. */
    tp_object_create(A, 1, 8, VOCAB_KIND_rwlock, 0, "");
    tp_rw_acquire_end(A, 1, 8, 1, 1, 0, 1, 0xa1);
    tp_rw_acquire_end(A, 2, 8, 2, 1, 0, 2, 0xa2);
    tp_rw_acquire_begin(A, 3, 8, 3, 0, 0xa2);
    tp_rw_release(A, 1, 8, 4, 1, 1);
    tp_rw_release(A, 2, 8, 5, 1, 0);
    tp_rw_acquire_end(A, 3, 8, 6, 0, 5000, 1, 0xa2);
    tp_rw_acquire_begin(A, 1, 8, 7, 1, 0xa1);
    tp_rw_release(A, 3, 8, 8, 0, 0);
    tp_rw_acquire_end(A, 1, 8, 9, 1, 2000, 1, 0xa1);
    tp_rw_release(A, 1, 8, 10, 1, 0);
    /* An object first met without its kind, and a call site without vtid. */
    tp_release(A, 3, 43, 1, 0, 0, 1);
    tp_callsite(A, 0, 0xa3, "lib.c", 5, "helper");
    tp_sleep_begin(A, 2, 0.25, 0xa3);
    sleep_step = nsteps;
    tp_log(A, 9, 30, "stray thread");
    other_step(STEP_PACKET_END, 10);
    tp_sleep_end(A, 2);
    interposed_begin();
    tp_object_create(A, 1, 43, LOCK, 0, "");
    /* A thread named before it starts (t.name = ... before t.start()). */
    tp_thread_rename(A, 1, 5, "loader");
    /* Lock 1, held by thread 2, waited for from a call site never described. */
    tp_acquire_begin(A, 1, 1, 5, LOCK, 0xdead, 2.0);
    tp_thread_start(A, 4, 3, TIMER, 1, "Thread-3");
    tp_timer_scheduled(A, 4, 5.0);
    tp_timer_cancelled(A, 3, 4);
    tp_thread_exit(A, 4);
    tp_thread_start(A, 5, 1, 0, 0, "loader");
    tp_thread_exit(A, 5);
    tp_release(A, 2, 1, 6, LOCK, 0, 1);
    tp_acquire_end(A, 1, 1, 7, LOCK, VOCAB_OUTCOME_ok, 8000, 0, 0xdead);
    tp_join_begin(A, 1, 2, 0xa1, -1);
    tp_thread_exit(A, 2);
    tp_join_end(A, 1, 2, VOCAB_OUTCOME_ok);
    tp_release(A, 3, 2, 4, RLOCK, 0, 1);
    tp_rw_acquire_end(A, 3, 8, 11, 1, 0, 1, 0xa2);
    interposed_end();
    /* Locks taken while holding others (lock-order edges): thread 3, reading
     * rwlock 8, takes lock 43; then thread 1, holding lock 1, waits for lock
     * 6, reads rwlock 8 and takes lock 43 too: the edge 8 -> 43 is thread
     * 1's first, with thread 3 as the other. */
    tp_acquire_end(A, 3, 43, 2, LOCK, VOCAB_OUTCOME_ok, 0, 0, 0xa2);
    tp_release(A, 3, 43, 3, LOCK, 0, 1);
    tp_acquire_begin(A, 1, 6, 7, LOCK, 0xa1, -1);
    tp_acquire_end(A, 1, 6, 8, LOCK, VOCAB_OUTCOME_ok, 1000, 0, 0xa1);
    tp_rw_acquire_end(A, 1, 8, 12, 1, 0, 2, 0xa1);
    tp_acquire_end(A, 1, 43, 4, LOCK, VOCAB_OUTCOME_ok, 0, 0, 0xa1);
    tp_release(A, 1, 43, 5, LOCK, 0, 1);
    tp_rw_release(A, 1, 8, 13, 1, 1);
    tp_release(A, 1, 6, 9, LOCK, 0, 1);
    /* Left open: thread 1 holds lock 1 and a unit, thread 3 reads rwlock 8 and sleeps. */
    tp_sleep_begin(A, 3, 10.0, 0xa2);
    tp_log(A, 1, 20, "done");
    other_step(STEP_PACKET_END, 1000000);
}

/* ---- storing --------------------------------------------------------------------- */

static char db_path[64];

static void sql_exec(sqlite3 *db, const char *sql)
{
    failure why;
    if (!db_exec(db, sql, &why))
        harness_fail(__FILE__, __LINE__, "%s: %s", sql, why.text);
}

static void unlink_db(void)
{
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[80];
        snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
}

/* A new database holding the traces row 1, a transaction open. */
static sqlite3 *fresh_db(void)
{
    if (!*db_path) {
        char dir[] = "/tmp/test_model_live.XXXXXX";
        ASSERT_TRUE(mkdtemp(dir) != NULL);
        snprintf(db_path, sizeof db_path, "%s/t.db", dir);
    }
    unlink_db();
    failure why;
    sqlite3 *db = db_open(db_path, true, &why);
    if (!db)
        harness_fail(__FILE__, __LINE__, "%s", why.text);
    sql_exec(db, "PRAGMA synchronous=OFF");
    sql_exec(db, "BEGIN");
    sql_exec(db, "INSERT INTO traces (id, uuid, path, ingested_at) VALUES (1, 'u', 'p', 't')");
    return db;
}

/* Removes the database and its directory. */
static void drop_db(void)
{
    unlink_db();
    *strrchr(db_path, '/') = '\0';
    rmdir(db_path);
}

static void apply(model *m, const step *s)
{
    failure why;
    bool ok = true;
    if (s->kind == STEP_EVENT)
        ok = model_add(m, &s->e, &why);
    else if (s->kind == STEP_BINARY)
        ok = model_add_binary(m, &s->b, &why);
    else if (s->kind == STEP_DISCARD)
        /* Both causes, so that a resume must bring each total back. */
        ok = model_discard(m, (s - steps) % 2 ? MODEL_LOSS_UNREAD : MODEL_LOSS_LTTNG, true,
                           s->e.ts - 400, s->e.ts, 3, &why);
    else
        model_packet_end(m, s->e.ts);
    if (!ok)
        harness_fail(__FILE__, __LINE__, "storing step %zu: %s", (size_t)(s - steps), why.text);
}

/* The live edge before step i: the last packet's end, or a little after
 * the last event (never after the trace's end: the last step ends a packet). */
static int64_t edge_before(size_t i)
{
    if (i && steps[i - 1].kind == STEP_PACKET_END)
        return steps[i - 1].e.ts;
    return (i ? steps[i - 1].e.ts : 0) + 500;
}

/* Set: each commit is followed by a check of the stats (assert_stats_recomputed). */
static bool check_stats;
static void assert_stats_recomputed(sqlite3 *db, size_t at);

static void checkpoint_commit(sqlite3 *db, model *m, size_t i)
{
    failure why;
    if (!model_checkpoint(m, edge_before(i), &why))
        harness_fail(__FILE__, __LINE__, "checkpoint before step %zu: %s", i, why.text);
    sql_exec(db, "COMMIT");
    if (check_stats)
        assert_stats_recomputed(db, i);
}

/* How a trace is stored: one pass (zeroed), or in transactions. */
typedef struct {
    size_t reopen_every; /* checkpoint, commit and reopen before every such step */
    size_t resume_every; /* checkpoint, commit, and resume in a new model instead */
    size_t resume_at;    /* resume before that step too (SIZE_MAX: never) */
} plan;

static bool due(size_t i, size_t every)
{
    return every && i && i % every == 0;
}

/* The scenario as trace 2, stored whole: rows of another trace, whose
 * 'unfinished' intervals trace 1's reopen and resume leave alone. */
static void store_other(sqlite3 *db)
{
    sql_exec(db, "INSERT INTO traces (id, uuid, path, ingested_at) VALUES (2, 'v', 'p', 't')");
    failure why;
    model *m = model_new(db, 2, &why);
    ASSERT_TRUE(m != NULL);
    for (size_t i = 0; i < nsteps; i++)
        apply(m, &steps[i]);
    model_totals t;
    ASSERT_TRUE(model_finish(m, &t, &why));
    model_free(m);
}

/* Stores the scenario as trace 1 as p says, after trace 2, completed as
 * `thrace daemon` completes it; *t: model_finish's totals. */
static sqlite3 *store(const plan *p, model_totals *t)
{
    sqlite3 *db = fresh_db();
    store_other(db);
    failure why;
    model *m = model_new(db, 1, &why);
    ASSERT_TRUE(m != NULL);
    for (size_t i = 0; i <= nsteps; i++) {
        if (i == p->resume_at || due(i, p->resume_every)) {
            checkpoint_commit(db, m, i);
            model_free(m);
            sql_exec(db, "BEGIN");
            m = model_resume(db, 1, &why);
            if (!m)
                harness_fail(__FILE__, __LINE__, "resume before step %zu: %s", i, why.text);
        } else if (due(i, p->reopen_every)) {
            checkpoint_commit(db, m, i);
            sql_exec(db, "BEGIN");
            ASSERT_TRUE(model_reopen(m, &why));
        }
        if (i < nsteps)
            apply(m, &steps[i]);
    }
    if (!model_finish(m, t, &why) || !model_store_totals(m, t, false, &why))
        harness_fail(__FILE__, __LINE__, "finish: %s", why.text);
    model_free(m);
    sql_exec(db, "COMMIT");
    if (check_stats)
        assert_stats_recomputed(db, nsteps);
    return db;
}

/* ---- comparing ------------------------------------------------------------------- */

typedef struct {
    char *text;
    size_t len, cap;
} text;

static void text_add(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->text = realloc(t->text, t->cap);
        ASSERT_TRUE(t->text != NULL);
    }
    memcpy(t->text + t->len, s, n + 1);
    t->len += n;
}

/* The query, then each of its rows on a line, its columns joined by " | ". */
static void add_rows(text *t, sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
    text_add(t, sql);
    text_add(t, "\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            text_add(t, c ? " | " : "  ");
            text_add(t, v ? (const char *)v : "NULL");
        }
        text_add(t, "\n");
    }
    sqlite3_finalize(st);
}

/* The totals, then every row of every table, one line each; intervals
 * without their ids (provisional rows deleted make room for others), in
 * the order of their contents. */
static char *dump(sqlite3 *db, const model_totals *totals)
{
    static const char *const queries[] = {
        "SELECT * FROM traces ORDER BY id",
        "SELECT * FROM live_streams ORDER BY 1, 2",
        "SELECT * FROM discards ORDER BY rowid",
        "SELECT * FROM processes ORDER BY id",
        "SELECT * FROM threads ORDER BY id",
        "SELECT * FROM thread_names ORDER BY rowid",
        "SELECT * FROM objects ORDER BY id",
        "SELECT * FROM callsites ORDER BY id",
        "SELECT * FROM binaries ORDER BY id",
        "SELECT * FROM events ORDER BY id",
        "SELECT * FROM logs ORDER BY id",
        "SELECT * FROM lock_edges ORDER BY thread_id, ts, ord",
        "SELECT thread_id, state, object_id, peer_thread_id, begin_ns, end_ns, level, outcome, "
        "site_id, begin_seq, end_seq FROM intervals ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
        "SELECT * FROM object_stats ORDER BY 1",
        "SELECT * FROM thread_stats ORDER BY 1, 2",
    };
    char why[512];
    if (!lockedges_oracle_check(db, why, sizeof why))
        harness_fail(__FILE__, __LINE__, "lock_edges: %s", why);
    text t = {0};
    char line[160];
    snprintf(line, sizeof line,
             "totals: %" PRIu64 " events, %" PRIu64 " threads, %" PRIu64 " discarded, %" PRIu64
             " unread, %" PRId64 " to %" PRId64 "\n",
             totals->events, totals->threads, totals->discarded, totals->unread, totals->begin_ns,
             totals->end_ns);
    text_add(&t, line);
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        add_rows(&t, db, queries[q]);
    return t.text;
}

/* Fails with the first line where got differs from expected. */
static void assert_same_rows(const char *expected, const char *got, const char *how, size_t at)
{
    size_t line = 1, i = 0;
    while (expected[i] && expected[i] == got[i])
        if (expected[i++] == '\n')
            line++;
    if (!expected[i] && !got[i])
        return;
    while (i > 0 && expected[i - 1] != '\n')
        i--;
    harness_fail(__FILE__, __LINE__, "%s %zu: line %zu differs:\n  expected %.*s\n  got      %.*s",
                 how, at, line, (int)strcspn(expected + i, "\n"), expected + i,
                 (int)strcspn(got + i, "\n"), got + i);
}

static char *one_pass(void)
{
    plan p = {.resume_at = SIZE_MAX};
    model_totals t;
    sqlite3 *db = store(&p, &t);
    char *rows = dump(db, &t);
    db_close(db);
    return rows;
}

static void assert_stores_as_one_pass(const char *expected, const plan *p, const char *how,
                                      size_t at)
{
    model_totals t;
    sqlite3 *db = store(p, &t);
    char *rows = dump(db, &t);
    db_close(db);
    assert_same_rows(expected, rows, how, at);
    free(rows);
}

/*
 * The oracle: `thrace stats`' figures recomputed from every event and
 * interval, as its queries did before there were summaries (correlated
 * subqueries), with every kind's waits: a condition's, event's, barrier's
 * and a thread's joins.
 */
#define ORACLE_BEGINS                                                                              \
    "('acquire_begin', 'cond_wait_begin', 'event_wait_begin', 'barrier_wait_begin', 'join_begin')"
#define ORACLE_ENDS                                                                                \
    "('acquire_end', 'cond_wait_end', 'event_wait_end', 'barrier_wait_end', 'join_end')"
#define ORACLE_WAITS "('waiting', 'waiting_read', 'joining', 'barrier', 'condition', 'event')"
#define ORACLE_HOLDS "('holding', 'reading')"
#define ORACLE_SPANS(column, id, states)                                                           \
    ", (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i." column " = " id      \
    " AND i.state IN " states "), (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i"    \
    " WHERE i." column " = " id " AND i.state IN " states ")"
#define ORACLE_FIGURES(column, id)                                                                 \
    " (SELECT COUNT(*) FROM events e WHERE e." column " = " id " AND e.name IN " ORACLE_ENDS       \
    " AND e.outcome = 'ok'), (SELECT COUNT(*) FROM events e WHERE e." column " = " id              \
    " AND e.name IN " ORACLE_BEGINS ")" ORACLE_SPANS(column, id, ORACLE_WAITS)                     \
        ORACLE_SPANS(column, id, ORACLE_HOLDS)

/* statsquery.h's process columns of the row r. */
#define ORACLE_PROCESS(r)                                                                          \
    ", " r ".process_id, (SELECT pid FROM processes WHERE id = " r ".process_id),"                 \
    " (SELECT tr.hostname FROM processes p JOIN traces tr ON tr.id = p.trace_id"                   \
    "  WHERE p.id = " r ".process_id)"

static const char oracle_objects[] = "SELECT o.name, o.kind," ORACLE_FIGURES(
    "object_id", "o.id") ", o.id" ORACLE_PROCESS("o") " FROM objects o ORDER BY 5 DESC, o.id";
static const char oracle_threads[] =
    "SELECT t.name, t.kind," ORACLE_FIGURES("thread_id", "t.id") ", t.id" ORACLE_PROCESS(
        "t") " FROM threads t ORDER BY t.process_id, t.tid";

/* Fails unless statsquery's rows on what db holds now are the oracle's. */
static void assert_same_query(sqlite3 *db, const char *oracle, const char *product, size_t at)
{
    text expected = {0}, got = {0};
    add_rows(&expected, db, oracle);
    add_rows(&got, db, product);
    /* The first line is each query's own text. */
    assert_same_rows(strchr(expected.text, '\n'), strchr(got.text, '\n'), "stats after step", at);
    free(expected.text);
    free(got.text);
}

static void assert_stats_recomputed(sqlite3 *db, size_t at)
{
    assert_same_query(db, oracle_objects, statsquery_objects, at);
    assert_same_query(db, oracle_threads, statsquery_threads, at);
}

/* ---- the cases -------------------------------------------------------------------- */

TEST(a_trace_resumed_after_any_step_stores_what_one_pass_stores)
{
    scenario();
    char *expected = one_pass();
    for (size_t k = 0; k <= nsteps; k++)
        assert_stores_as_one_pass(expected, &(plan){.resume_at = k}, "resumed before step", k);
    free(expected);
    drop_db();
}

TEST(a_trace_checkpointed_and_reopened_every_few_steps_stores_what_one_pass_stores)
{
    scenario();
    char *expected = one_pass();
    for (size_t every = 1; every <= 7; every++)
        assert_stores_as_one_pass(expected, &(plan){.reopen_every = every, .resume_at = SIZE_MAX},
                                  "reopened every", every);
    free(expected);
    drop_db();
}

TEST(a_trace_resumed_again_and_again_between_reopens_stores_what_one_pass_stores)
{
    scenario();
    char *expected = one_pass();
    for (size_t every = 2; every <= 11; every++)
        assert_stores_as_one_pass(
            expected,
            &(plan){.reopen_every = 1 + every % 3, .resume_every = every, .resume_at = SIZE_MAX},
            "resumed every", every);
    free(expected);
    drop_db();
}

TEST(stats_from_the_summaries_equal_a_recomputation_at_every_checkpoint_and_resume)
{
    scenario();
    check_stats = true;
    for (size_t every = 1; every <= 7; every++) {
        model_totals t;
        db_close(store(
            &(plan){.reopen_every = every, .resume_every = 2 * every + 1, .resume_at = SIZE_MAX},
            &t));
    }
    model_totals t;
    db_close(store(&(plan){.resume_at = SIZE_MAX}, &t));
    check_stats = false;
    drop_db();
}

/* Rows of the query (one text column), joined by " | ". */
static char *column(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
    text t = {0};
    text_add(&t, "");
    while (sqlite3_step(st) == SQLITE_ROW) {
        text_add(&t, t.len ? " | " : "");
        text_add(&t, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return t.text;
}

TEST(the_interposer_s_objects_and_sites_are_named_from_the_process_s_binaries)
{
    scenario();
    model_totals t;
    sqlite3 *db = store(&(plan){.resume_at = SIZE_MAX}, &t);
    char *names = column(db, "SELECT o.name FROM objects o JOIN processes p ON p.id = o.process_id "
                             "WHERE p.trace_id = 1 AND p.pid = 300 ORDER BY o.obj");
    ASSERT_STR_EQ("interposed_lock | Lock-2@libgone.so+0x1234", names);
    char *sites = column(db, "SELECT replace(c.file, rtrim(c.file, replace(c.file, '/', '')), '') "
                             "|| ':' || c.line || ' ' || c.func FROM callsites c "
                             "JOIN processes p ON p.id = c.process_id "
                             "WHERE p.trace_id = 1 AND p.pid = 300 ORDER BY c.id");
    char expected[128];
    snprintf(expected, sizeof expected,
             "test_model_live.c:%d interposed_end | libgone.so+0x1234:0 ", here_line);
    ASSERT_STR_EQ(expected, sites);
    free(names);
    free(sites);
    db_close(db);
    drop_db();
}

TEST(the_scenario_makes_lock_order_edges_a_smaller_thread_takes_over)
{
    scenario();
    model_totals t;
    sqlite3 *db = store(&(plan){.resume_at = SIZE_MAX}, &t);
    char *edges = column(db, "SELECT t.tid || ': ' || f.obj || iif(e.from_shared, 'r', '') || "
                             "'->' || o.obj || iif(e.to_shared, 'r', '') || "
                             "iif(e.waited, ' waited', '') || ' x' || e.count || "
                             "coalesce(' also ' || u.tid, '') FROM lock_edges e "
                             "JOIN objects f ON f.id = e.from_id JOIN objects o ON o.id = e.to_id "
                             "JOIN threads t ON t.id = e.thread_id "
                             "LEFT JOIN threads u ON u.id = e.other_id "
                             "JOIN processes p ON p.id = t.process_id "
                             "WHERE e.trace_id = 1 AND p.pid = 100 "
                             "ORDER BY e.thread_id, e.ts, e.ord");
    ASSERT_STR_EQ("1: 1->6 waited x4 also 2 | 1: 1->8r x2 also 2 | 1: 6->8r x1 | 1: 1->43 x1 | "
                  "1: 6->43 x1 | 1: 8r->43 x2 also 3 | 3: 2->8 waited x2",
                  edges);
    free(edges);
    db_close(db);
    drop_db();
}

/* The states of the intervals that a checkpoint after each step leaves
 * open: the cases above put every kind of open list back. */
TEST(the_scenario_leaves_every_kind_of_interval_open_at_some_checkpoint)
{
    scenario();
    sqlite3 *db = fresh_db();
    failure why;
    model *m = model_new(db, 1, &why);
    ASSERT_TRUE(m != NULL);
    text seen = {0};
    text_add(&seen, " ");
    for (size_t i = 0; i < nsteps; i++) {
        apply(m, &steps[i]);
        checkpoint_commit(db, m, i + 1);
        sqlite3_stmt *st;
        ASSERT_EQ(SQLITE_OK,
                  sqlite3_prepare_v2(db,
                                     "SELECT DISTINCT i.state || coalesce('/' || o.kind, '') "
                                     "FROM intervals i LEFT JOIN objects o ON o.id = i.object_id "
                                     "WHERE outcome = 'unfinished'",
                                     -1, &st, NULL));
        while (sqlite3_step(st) == SQLITE_ROW) {
            char word[64];
            snprintf(word, sizeof word, " %s ", sqlite3_column_text(st, 0));
            if (!strstr(seen.text, word))
                text_add(&seen, word + 1);
        }
        sqlite3_finalize(st);
        sql_exec(db, "BEGIN");
        ASSERT_TRUE(model_reopen(m, &why));
    }
    model_free(m);
    sql_exec(db, "COMMIT");
    db_close(db);
    const char *const wanted[] = {
        "running",
        "waiting/lock",
        "waiting/semaphore",
        "holding/lock",
        "holding/rlock",
        "holding/semaphore",
        "sleeping",
        "joining",
        "barrier/barrier",
        "condition/condition",
        "event/event",
        "reading/rwlock",
        "waiting_read/rwlock",
        "holding/rwlock",
        "waiting/rwlock",
    };
    for (size_t w = 0; w < sizeof wanted / sizeof *wanted; w++) {
        char word[64];
        snprintf(word, sizeof word, " %s ", wanted[w]);
        if (!strstr(seen.text, word))
            harness_fail(__FILE__, __LINE__, "never open at a checkpoint: %s (seen:%s)", wanted[w],
                         seen.text);
    }
    free(seen.text);
    drop_db();
}

/* The scenario's rwlock (object 8 of process A) in trace 1: a row per
 * interval, "tid state begin_seq-end_seq outcome", in begin_seq order. */
#define RWLOCK_INTERVALS                                                                           \
    "SELECT t.tid || ' ' || i.state || ' ' || i.begin_seq || '-' || coalesce(i.end_seq, '')"       \
    " || ' ' || i.outcome FROM intervals i JOIN threads t ON t.id = i.thread_id"                   \
    " JOIN processes p ON p.id = t.process_id JOIN objects o ON o.id = i.object_id"                \
    " WHERE p.trace_id = 1 AND o.kind = 'rwlock' ORDER BY i.begin_seq, i.state"

/* Trace 1's events whose detail matches the LIKE pattern `like`. */
#define DETAIL_LIKE(like)                                                                          \
    "SELECT count(*) FROM events e JOIN threads t ON t.id = e.thread_id JOIN processes p"          \
    " ON p.id = t.process_id WHERE p.trace_id = 1 AND e.detail LIKE '" like "'"

TEST(an_rwlock_s_readers_share_it_and_each_read_hold_ends_at_its_own_release)
{
    scenario();
    model_totals t;
    sqlite3 *db = store(&(plan){.resume_at = SIZE_MAX}, &t);
    sqlite3_stmt *st;
    ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(db, RWLOCK_INTERVALS, -1, &st, NULL));
    text rows = {0};
    text_add(&rows, "");
    while (sqlite3_step(st) == SQLITE_ROW) {
        text_add(&rows, (const char *)sqlite3_column_text(st, 0));
        text_add(&rows, "; ");
    }
    sqlite3_finalize(st);
    ASSERT_STR_EQ(
        "1 reading 1-4 ok; 2 reading 2-5 ok; 3 waiting 3-6 ok; 3 holding 6-8 ok; "
        "1 waiting_read 7-9 ok; 1 reading 9-10 ok; 3 reading 11- unfinished; 1 reading 12-13 ok; ",
        rows.text);
    free(rows.text);
    /* shared is stored only where it is 1: the 10 events of read holds. */
    ASSERT_EQ(10, db_value(db, DETAIL_LIKE("%\"shared\"%"), -1));
    ASSERT_EQ(10, db_value(db, DETAIL_LIKE("%\"shared\":1%"), -1));
    db_close(db);
    drop_db();
}

static int64_t reader_value(sqlite3 *reader, const char *sql)
{
    int64_t v = db_value(reader, sql, INT64_MIN);
    if (v == INT64_MIN)
        harness_fail(__FILE__, __LINE__, "%s: %s", sql, sqlite3_errmsg(reader));
    return v;
}

/* Thread 2 of process A's sleeping interval, as the reader sees it. */
#define SLEEP_OUTCOME                                                                              \
    "SELECT count(*) FROM intervals i JOIN threads t ON t.id = i.thread_id "                       \
    "WHERE t.tid = 2 AND t.name = 'worker' AND i.state = 'sleeping' AND i.outcome = "

TEST(a_reader_sees_a_checkpoint_whole_with_its_open_intervals_unfinished_at_the_edge)
{
    scenario();
    sqlite3 *db = fresh_db();
    failure why;
    model *m = model_new(db, 1, &why);
    ASSERT_TRUE(m != NULL);
    for (size_t i = 0; i < sleep_step; i++)
        apply(m, &steps[i]);
    checkpoint_commit(db, m, sleep_step);
    int64_t edge = edge_before(sleep_step);

    sqlite3 *reader = db_open(db_path, false, &why);
    ASSERT_TRUE(reader != NULL);
    ASSERT_EQ(1, reader_value(reader, "SELECT live FROM traces WHERE id = 1"));
    ASSERT_EQ(edge, reader_value(reader, "SELECT end_ns FROM traces WHERE id = 1"));
    ASSERT_EQ(steps[0].e.ts, reader_value(reader, "SELECT begin_ns FROM traces WHERE id = 1"));
    ASSERT_EQ(3, reader_value(reader, "SELECT discarded + unread FROM traces WHERE id = 1"));
    ASSERT_EQ(3, reader_value(reader, "SELECT sum(count) FROM discards WHERE cause = "
                                      "(SELECT CASE WHEN discarded > 0 THEN 'lttng' ELSE 'unread' "
                                      "END FROM traces)"));
    ASSERT_EQ(sleep_step - 1, reader_value(reader, "SELECT events FROM traces WHERE id = 1"));
    ASSERT_EQ(sleep_step - 1, reader_value(reader, "SELECT count(*) FROM events"));
    /* Running: 3 threads of A, 1 of B; holding: lock 1, the RLock, a unit, B's
     * lock; sleeping: thread 2. */
    ASSERT_EQ(9,
              reader_value(reader, "SELECT count(*) FROM intervals WHERE outcome = 'unfinished'"));
    ASSERT_EQ(9, reader_value(reader, "SELECT count(*) FROM intervals WHERE end_ns = (SELECT "
                                      "end_ns FROM traces) AND outcome = 'unfinished'"));
    ASSERT_EQ(1, reader_value(reader, SLEEP_OUTCOME "'unfinished'"));
    ASSERT_EQ(steps[sleep_step - 1].e.ts,
              reader_value(reader, "SELECT max(end_ns) FROM processes WHERE pid = 100"));

    /* The next transaction deletes them, unseen until it commits. */
    sql_exec(db, "BEGIN");
    ASSERT_TRUE(model_reopen(m, &why));
    for (size_t i = sleep_step; i < sleep_step + 3; i++)
        apply(m, &steps[i]);
    ASSERT_EQ(9,
              reader_value(reader, "SELECT count(*) FROM intervals WHERE outcome = 'unfinished'"));
    checkpoint_commit(db, m, sleep_step + 3);
    ASSERT_EQ(0, reader_value(reader, SLEEP_OUTCOME "'unfinished'"));
    ASSERT_EQ(1, reader_value(reader, SLEEP_OUTCOME "'ok'"));
    ASSERT_EQ(8,
              reader_value(reader, "SELECT count(*) FROM intervals WHERE outcome = 'unfinished'"));
    ASSERT_EQ(edge_before(sleep_step + 3),
              reader_value(reader, "SELECT end_ns FROM traces WHERE id = 1"));

    /* An edge before the last one moves nothing back, even in a model resumed. */
    for (int resumed = 0; resumed < 2; resumed++) {
        sql_exec(db, "BEGIN");
        if (resumed) {
            model_free(m);
            m = model_resume(db, 1, &why);
            ASSERT_TRUE(m != NULL);
        }
        ASSERT_TRUE(model_reopen(m, &why));
        ASSERT_TRUE(model_checkpoint(m, 0, &why));
        sql_exec(db, "COMMIT");
        ASSERT_EQ(edge_before(sleep_step + 3),
                  reader_value(reader, "SELECT end_ns FROM traces WHERE id = 1"));
        ASSERT_EQ(8, reader_value(reader, "SELECT count(*) FROM intervals WHERE outcome = "
                                          "'unfinished' AND end_ns = (SELECT end_ns FROM traces)"));
    }
    db_close(reader);
    model_free(m);
    db_close(db);
    drop_db();
}

/* Whether resumed or not, a trace lasts at least until a checkpoint's edge
 * past its last event and its packets. */
TEST(a_trace_ends_no_earlier_than_its_last_checkpoint_s_edge)
{
    scenario();
    for (int resumed = 0; resumed < 2; resumed++) {
        sqlite3 *db = fresh_db();
        failure why;
        model *m = model_new(db, 1, &why);
        ASSERT_TRUE(m != NULL);
        for (size_t i = 0; i < sleep_step; i++)
            apply(m, &steps[i]);
        int64_t edge = steps[sleep_step - 1].e.ts + 1000000000;
        ASSERT_TRUE(model_checkpoint(m, edge, &why));
        sql_exec(db, "COMMIT");
        sql_exec(db, "BEGIN");
        if (resumed) {
            model_free(m);
            m = model_resume(db, 1, &why);
            ASSERT_TRUE(m != NULL);
        }
        ASSERT_TRUE(model_reopen(m, &why));
        model_totals t;
        ASSERT_TRUE(model_finish(m, &t, &why));
        ASSERT_EQ(edge, t.end_ns);
        ASSERT_EQ(steps[0].e.ts, t.begin_ns);
        model_free(m);
        sql_exec(db, "COMMIT");
        ASSERT_EQ(edge, db_value(db, "SELECT max(end_ns) FROM intervals", 0));
        db_close(db);
    }
    drop_db();
}

TEST(a_model_resumed_from_a_trace_that_is_not_stored_fails)
{
    sqlite3 *db = fresh_db();
    failure why;
    ASSERT_TRUE(model_resume(db, 2, &why) == NULL);
    ASSERT_STR_EQ("no such trace", why.text);
    sql_exec(db, "COMMIT");
    db_close(db);
    drop_db();
}
