/*
 * thrace.h - Python's threading module in C, on pthreads, traced by LTTng-UST.
 *
 * One section per class of Python's threading module, in the order the guide
 * presents them: errors and timeouts, Thread, Timer, Lock, RLock, Condition,
 * Semaphore, Event, Barrier, local, logging, then the helpers (names, WITH).
 *
 * Conventions that hold for every call:
 *  - A call that can fail returns an int: THRACE_OK (0) or one of the codes
 *    below. Python's True is THRACE_OK and its False is THRACE_TIMEOUT.
 *  - Timeouts are seconds as a double on CLOCK_MONOTONIC. THRACE_FOREVER
 *    (-1.0) is Python's None (and Lock's -1). NaN is THRACE_EINVAL everywhere.
 *    A timeout above THRACE_TIMEOUT_MAX (INFINITY included) is THRACE_ERANGE
 *    when the call would block. Other negatives: THRACE_EINVAL for Lock and
 *    RLock, one poll for Condition, Event, Semaphore and Barrier waits, 0 for
 *    join. Arguments are checked before anything else.
 *  - Value types (locks, conditions, ...) are exposed structs so that they can
 *    live inside what they guard; their `_` fields are private. Each has a
 *    _destroy. Threads are opaque, reference-counted handles.
 *  - Nothing here prints or aborts on misuse; a failing pthread call inside
 *    thrace (a broken invariant) prints one line and aborts.
 *
 * Environment, read once as libthrace loads (lib/README.md): THRACE_DEADLOCK=1
 * reports a wait-for cycle between Locks and RLocks on stderr as the wait
 * that closes it begins; THRACE_STALL_TIMEOUT and THRACE_STALL_FD start the
 * stall watchdog of `thrace record --deadlock-timeout`.
 */
#ifndef THRACE_H
#define THRACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define THRACE_API           __attribute__((visibility("default")))
#define THRACE__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define THRACE_API
#define THRACE__PRINTF(f, a)
#endif

/* ------------------------------------------------------------------------ */
/* Errors and timeouts                                                       */
/* ------------------------------------------------------------------------ */

/* The one table of result codes: name, value, message. */
#define THRACE__ERRORS(X)                                                                          \
    X(OK, 0, "success")                                                                            \
    X(TIMEOUT, 1, "timed out")                                                                     \
    X(EINVAL, 2, "invalid argument")                                                               \
    X(EPERM, 3, "lock not held by the caller")                                                     \
    X(EDEADLK, 4, "a thread cannot join itself")                                                   \
    X(ESTATE, 5, "not allowed in the object's current state")                                      \
    X(EBROKEN, 6, "barrier is broken")                                                             \
    X(ERANGE, 7, "value out of range")                                                             \
    X(ENOMEM, 8, "out of memory")

#define THRACE__ERROR_ENUM(name, value, message) THRACE_##name = value,
enum { THRACE__ERRORS(THRACE__ERROR_ENUM) };
#undef THRACE__ERROR_ENUM

/* A one-line English message for a result code ("unknown error" otherwise). */
THRACE_API const char *thrace_strerror(int code);
/* The code's name, "THRACE_EINVAL" for THRACE_EINVAL ("?" for unknown). */
THRACE_API const char *thrace_error_name(int code);

/* Python's None for a timeout: wait forever (a barrier: its default). */
#define THRACE_FOREVER (-1.0)
/* Python's threading.TIMEOUT_MAX on Linux, in seconds. */
#define THRACE_TIMEOUT_MAX 9223372036.0

/* ------------------------------------------------------------------------ */
/* Object names                                                              */
/* ------------------------------------------------------------------------ */

/* Shared head of every value type: identity and name as traces show them. */
typedef struct thrace__obj {
    uint64_t _id;  /* process-wide serial, given on first use */
    uint64_t _seq; /* per-object event sequence number */
    char *_name;   /* owned copy, or NULL for the default "Lock-1" style */
} thrace__obj;

/*
 * A call site: where a blocking call, a release, a notify or a set was made,
 * so that traces can say `worker.c:42 in transfer()`. Those calls below are
 * macros that pass one static site per call; the functions of the same
 * names exist too (they record no site).
 */
typedef struct thrace__site {
    const char *file;
    const char *func;
    int line;
    int _described; /* the process generation that described it, or 0 (trace.c) */
} thrace__site;

#define THRACE__SITE                                                                               \
    (__extension__({                                                                               \
        static thrace__site thrace__site_ = {__FILE__, __func__, __LINE__, 0};                     \
        &thrace__site_;                                                                            \
    }))

/* ------------------------------------------------------------------------ */
/* Thread                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct thrace_thread thrace_thread;

/*
 * As in Python, returning from main (or calling exit) first joins every
 * started non-daemon thread. main's local variables are gone by then: what
 * such threads still use must not live on main's stack (make it static, or
 * join the threads before main returns).
 */

/* Python's daemon=None/True/False. Zeroed options inherit. */
enum { THRACE_INHERIT = 0, THRACE_DAEMON = 1, THRACE_NOT_DAEMON = 2 };

/* Thread(name=..., daemon=...). A NULL or empty name gives "Thread-N". */
typedef struct {
    const char *name;
    int daemon;
} thrace_thread_opts;

/*
 * Thread(target=target, args=(arg,), name=..., daemon=...). Not started.
 * opts may be NULL. target may be NULL (the thread then does nothing).
 * Returns a new reference, released with thrace_thread_unref even while the
 * thread runs, or NULL with errno ENOMEM (opts->daemon invalid: EINVAL).
 */
THRACE_API thrace_thread *thrace_thread_new(void (*target)(void *), void *arg,
                                            const thrace_thread_opts *opts);

/*
 * start(): returns once the thread runs, has its ident and is listed by
 * thrace_enumerate. THRACE_ESTATE when already started (even if finished),
 * THRACE_ENOMEM when no thread can be created (it stays startable).
 */
THRACE_API int thrace_thread_start(thrace_thread *t);

/*
 * join(timeout): THRACE_OK once the thread has finished, THRACE_TIMEOUT while
 * it is alive. Negative timeouts other than THRACE_FOREVER count as 0.
 * THRACE_ESTATE before start or for a Dummy thread, THRACE_EDEADLK on the
 * calling thread itself, THRACE_EINVAL for NaN, THRACE_ERANGE above
 * THRACE_TIMEOUT_MAX while the thread is alive. Joining the main thread
 * returns once exit begins.
 */
THRACE_API int thrace_thread_join(thrace_thread *t, double timeout);
THRACE_API int thrace__thread_join_at(thrace_thread *t, double timeout, const thrace__site *site);
#define thrace_thread_join(...) thrace__thread_join_at(__VA_ARGS__, THRACE__SITE)

/* is_alive(): from the return of start until the target has returned. */
THRACE_API bool thrace_thread_is_alive(thrace_thread *t);

/*
 * name: valid while the caller holds a reference to t (a rename keeps the old
 * string alive until the handle is freed).
 */
THRACE_API const char *thrace_thread_name(thrace_thread *t);

/* name = ...: any time. THRACE_EINVAL for NULL, THRACE_ENOMEM. */
THRACE_API int thrace_thread_set_name(thrace_thread *t, const char *name);

/* daemon */
THRACE_API bool thrace_thread_is_daemon(thrace_thread *t);

/* daemon = ...: THRACE_ESTATE once started (even after it finished). */
THRACE_API int thrace_thread_set_daemon(thrace_thread *t, bool daemon);

/* ident: the pthread_t as an integer; 0 before start. */
THRACE_API unsigned long thrace_thread_ident(thrace_thread *t);

/* native_id: the kernel's thread id; 0 before start. */
THRACE_API long thrace_thread_native_id(thrace_thread *t);

/*
 * current_thread(): borrowed. A thread not started by thrace gets a daemon
 * "Dummy-N" entry, listed until it exits (NULL if that entry cannot be
 * allocated).
 */
THRACE_API thrace_thread *thrace_current_thread(void);

/* main_thread(): borrowed; named "MainThread", not a daemon. */
THRACE_API thrace_thread *thrace_main_thread(void);

/*
 * enumerate(): stores up to cap new references to the live threads (main
 * thread first, then in start order) and returns how many are alive, which
 * may exceed cap.
 */
THRACE_API size_t thrace_enumerate(thrace_thread **out, size_t cap);

/* active_count(): the number of live threads, the main thread included. */
THRACE_API size_t thrace_active_count(void);

/* Take one more reference to t; returns t. */
THRACE_API thrace_thread *thrace_thread_ref(thrace_thread *t);

/* Drop one reference; a running thread keeps its own. NULL is ignored. */
THRACE_API void thrace_thread_unref(thrace_thread *t);

/*
 * time.sleep(seconds), measured on the monotonic clock; signals do not cut it
 * short. THRACE_OK once slept (at once for 0). Where Python raises, it
 * returns at once: THRACE_EINVAL for a negative duration or NaN (ValueError),
 * THRACE_ERANGE above THRACE_TIMEOUT_MAX, INFINITY included (OverflowError).
 */
THRACE_API int thrace_sleep(double seconds);
THRACE_API int thrace__sleep_at(double seconds, const thrace__site *site);
#define thrace_sleep(...) thrace__sleep_at(__VA_ARGS__, THRACE__SITE)

/* ------------------------------------------------------------------------ */
/* Timer                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * Timer(interval, fn, args=(arg,)): a thread, unstarted, named "Thread-N"
 * unless opts says otherwise, that calls fn(arg) interval seconds after it
 * starts unless cancelled first. THRACE_FOREVER waits until cancelled;
 * intervals <= 0 fire at once. NULL with errno EINVAL for NaN or a NULL fn,
 * ERANGE above THRACE_TIMEOUT_MAX, ENOMEM.
 */
THRACE_API thrace_thread *thrace_timer_new(double interval, void (*fn)(void *), void *arg,
                                           const thrace_thread_opts *opts);

/*
 * cancel(): the function will not be called if it has not started yet; also
 * before start. No effect on a thread that is not a timer.
 */
THRACE_API void thrace_timer_cancel(thrace_thread *timer);

/* ------------------------------------------------------------------------ */
/* Lock                                                                      */
/* ------------------------------------------------------------------------ */

/* Lock(): not reentrant; any thread may release it. */
typedef struct thrace_lock {
    unsigned _state; /* 0 unlocked, 1 locked, 2 locked and maybe waited on */
    thrace__obj _obj;
} thrace_lock;

#define THRACE_LOCK_INIT                                                                           \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            0, 0, NULL                                                                             \
        }                                                                                          \
    }

/* Lock(): THRACE_OK (kept as an int for symmetry with the other inits). */
THRACE_API int thrace_lock_init(thrace_lock *l);
/* Frees the name; the lock must be unused. */
THRACE_API void thrace_lock_destroy(thrace_lock *l);

/*
 * acquire(blocking, timeout): THRACE_OK when acquired, THRACE_TIMEOUT when not
 * (non-blocking and locked, or the timeout passed). THRACE_EINVAL for a
 * negative timeout other than THRACE_FOREVER, for NaN, and for any timeout
 * but THRACE_FOREVER with blocking false; THRACE_ERANGE above
 * THRACE_TIMEOUT_MAX when it would block.
 */
THRACE_API int thrace_lock_acquire(thrace_lock *l, bool blocking, double timeout);
THRACE_API int thrace__lock_acquire_at(thrace_lock *l, bool blocking, double timeout,
                                       const thrace__site *site);
#define thrace_lock_acquire(...) thrace__lock_acquire_at(__VA_ARGS__, THRACE__SITE)

/* release(): THRACE_EPERM when unlocked. Any thread may release. */
THRACE_API int thrace_lock_release(thrace_lock *l);
THRACE_API int thrace__lock_release_at(thrace_lock *l, const thrace__site *site);
#define thrace_lock_release(...) thrace__lock_release_at(__VA_ARGS__, THRACE__SITE)

/* locked() */
THRACE_API bool thrace_lock_locked(const thrace_lock *l);

/* ------------------------------------------------------------------------ */
/* RLock                                                                     */
/* ------------------------------------------------------------------------ */

/* RLock(): reentrant; only the owner may release. */
typedef struct thrace_rlock {
    unsigned _state;      /* the lock word, as in thrace_lock */
    unsigned long _count; /* recursion depth, written by the owner */
    uintptr_t _owner;     /* a token of the owning thread, 0 when free */
    thrace__obj _obj;
} thrace_rlock;

#define THRACE_RLOCK_INIT                                                                          \
    {                                                                                              \
        0, 0, 0,                                                                                   \
        {                                                                                          \
            0, 0, NULL                                                                             \
        }                                                                                          \
    }

THRACE_API int thrace_rlock_init(thrace_rlock *r);
THRACE_API void thrace_rlock_destroy(thrace_rlock *r);

/*
 * acquire(blocking, timeout): the owner acquires again at once (depth + 1).
 * Codes as thrace_lock_acquire, and THRACE_ERANGE when the depth would
 * overflow.
 */
THRACE_API int thrace_rlock_acquire(thrace_rlock *r, bool blocking, double timeout);
THRACE_API int thrace__rlock_acquire_at(thrace_rlock *r, bool blocking, double timeout,
                                        const thrace__site *site);
#define thrace_rlock_acquire(...) thrace__rlock_acquire_at(__VA_ARGS__, THRACE__SITE)

/* release(): depth - 1, unlocked at 0. THRACE_EPERM unless the caller owns it. */
THRACE_API int thrace_rlock_release(thrace_rlock *r);
THRACE_API int thrace__rlock_release_at(thrace_rlock *r, const thrace__site *site);
#define thrace_rlock_release(...) thrace__rlock_release_at(__VA_ARGS__, THRACE__SITE)

/* locked() (Python 3.14): owned by any thread. */
THRACE_API bool thrace_rlock_locked(const thrace_rlock *r);

/* ------------------------------------------------------------------------ */
/* Condition                                                                 */
/* ------------------------------------------------------------------------ */

/* Condition(lock): waiters are woken in FIFO order, never spuriously. */
typedef struct thrace_cond {
    unsigned _waiters; /* threads inside wait; its address keys the queue */
    unsigned _kind;    /* which lock _lock points to */
    void *_lock;       /* the thrace_lock or thrace_rlock used */
    thrace_rlock _own; /* the lock of a Condition() made without one */
    thrace__obj _obj;
} thrace_cond;

/* Condition(): over an RLock of its own. */
THRACE_API int thrace_cond_init(thrace_cond *c);
/* Condition(lock) over a Lock; THRACE_EINVAL for NULL. */
THRACE_API int thrace_cond_init_lock(thrace_cond *c, thrace_lock *l);
/* Condition(rlock) over an RLock; THRACE_EINVAL for NULL. */
THRACE_API int thrace_cond_init_rlock(thrace_cond *c, thrace_rlock *r);
THRACE_API void thrace_cond_destroy(thrace_cond *c);

/* acquire/release: the underlying lock's, with its codes. */
THRACE_API int thrace_cond_acquire(thrace_cond *c, bool blocking, double timeout);
THRACE_API int thrace__cond_acquire_at(thrace_cond *c, bool blocking, double timeout,
                                       const thrace__site *site);
#define thrace_cond_acquire(...) thrace__cond_acquire_at(__VA_ARGS__, THRACE__SITE)
THRACE_API int thrace_cond_release(thrace_cond *c);
THRACE_API int thrace__cond_release_at(thrace_cond *c, const thrace__site *site);
#define thrace_cond_release(...) thrace__cond_release_at(__VA_ARGS__, THRACE__SITE)

/*
 * wait(timeout): releases the lock completely (every level of an RLock),
 * waits for a notify, then takes the lock back as it was. THRACE_OK when
 * notified, THRACE_TIMEOUT when the timeout passed. THRACE_EPERM when the
 * caller does not hold the lock (for a plain Lock, as in Python: when it is
 * unlocked), THRACE_EINVAL for NaN, THRACE_ERANGE above THRACE_TIMEOUT_MAX.
 */
THRACE_API int thrace_cond_wait(thrace_cond *c, double timeout);
THRACE_API int thrace__cond_wait_at(thrace_cond *c, double timeout, const thrace__site *site);
#define thrace_cond_wait(...) thrace__cond_wait_at(__VA_ARGS__, THRACE__SITE)

/*
 * wait_for(pred, timeout): waits until pred(arg) is true, with one deadline
 * that notifications do not restart. THRACE_OK when pred holds (checked
 * first, without waiting), THRACE_TIMEOUT when it still fails at the
 * deadline. Codes as thrace_cond_wait; EINVAL also for a NULL pred.
 */
THRACE_API int thrace_cond_wait_for(thrace_cond *c, bool (*pred)(void *), void *arg,
                                    double timeout);
THRACE_API int thrace__cond_wait_for_at(thrace_cond *c, bool (*pred)(void *), void *arg,
                                        double timeout, const thrace__site *site);
#define thrace_cond_wait_for(...) thrace__cond_wait_for_at(__VA_ARGS__, THRACE__SITE)

/*
 * notify(n): wakes the n longest waiting threads (fewer if fewer wait; none
 * for n <= 0). They run once the notifier releases the lock. THRACE_EPERM
 * when the caller does not hold the lock. Traced with its call site, as
 * notify_all is: a wait that never ended names the last notify's line.
 */
THRACE_API int thrace_cond_notify(thrace_cond *c, long n);
THRACE_API int thrace__cond_notify_at(thrace_cond *c, long n, const thrace__site *site);
#define thrace_cond_notify(...) thrace__cond_notify_at(__VA_ARGS__, THRACE__SITE)
/* notify_all() */
THRACE_API int thrace_cond_notify_all(thrace_cond *c);
THRACE_API int thrace__cond_notify_all_at(thrace_cond *c, const thrace__site *site);
#define thrace_cond_notify_all(...) thrace__cond_notify_all_at(__VA_ARGS__, THRACE__SITE)

/* ------------------------------------------------------------------------ */
/* Semaphore and BoundedSemaphore                                            */
/* ------------------------------------------------------------------------ */

typedef struct thrace_sem {
    unsigned _mutex;   /* internal lock word guarding the fields */
    unsigned _waiters; /* internal condition queue */
    long _value;
    long _initial;
    int _bounded;
    thrace__obj _obj;
} thrace_sem;

/* Semaphore(value): THRACE_EINVAL for a negative value. */
THRACE_API int thrace_sem_init(thrace_sem *s, long value);
/* BoundedSemaphore(value): release may not raise the value above value. */
THRACE_API int thrace_bsem_init(thrace_sem *s, long value);
THRACE_API void thrace_sem_destroy(thrace_sem *s);

/*
 * acquire(blocking, timeout): THRACE_OK after decrementing the value,
 * THRACE_TIMEOUT when it stayed 0 (non-blocking, or until the deadline).
 * THRACE_EINVAL for NaN and for any timeout but THRACE_FOREVER when not
 * blocking; THRACE_ERANGE above THRACE_TIMEOUT_MAX when it must wait.
 */
THRACE_API int thrace_sem_acquire(thrace_sem *s, bool blocking, double timeout);
THRACE_API int thrace__sem_acquire_at(thrace_sem *s, bool blocking, double timeout,
                                      const thrace__site *site);
#define thrace_sem_acquire(...) thrace__sem_acquire_at(__VA_ARGS__, THRACE__SITE)

/*
 * release(n): value + n, waking up to n waiters. THRACE_EINVAL for n < 1;
 * THRACE_ERANGE, changing nothing, when a bounded semaphore would pass its
 * initial value (or the value would overflow); a bounded semaphore's refused
 * release is traced with its call site.
 */
THRACE_API int thrace_sem_release(thrace_sem *s, long n);
THRACE_API int thrace__sem_release_at(thrace_sem *s, long n, const thrace__site *site);
#define thrace_sem_release(...) thrace__sem_release_at(__VA_ARGS__, THRACE__SITE)

/* ------------------------------------------------------------------------ */
/* Event                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct thrace_event {
    unsigned _mutex;   /* internal lock word */
    unsigned _waiters; /* internal condition queue */
    int _flag;
    thrace__obj _obj;
} thrace_event;

#define THRACE_EVENT_INIT                                                                          \
    {                                                                                              \
        0, 0, 0,                                                                                   \
        {                                                                                          \
            0, 0, NULL                                                                             \
        }                                                                                          \
    }

/* Event(): the flag starts false. */
THRACE_API int thrace_event_init(thrace_event *e);
THRACE_API void thrace_event_destroy(thrace_event *e);
/* set(): flag true, every waiter woken; traced with its call site. */
THRACE_API void thrace_event_set(thrace_event *e);
THRACE_API void thrace__event_set_at(thrace_event *e, const thrace__site *site);
#define thrace_event_set(...) thrace__event_set_at(__VA_ARGS__, THRACE__SITE)
/* clear(): flag false. */
THRACE_API void thrace_event_clear(thrace_event *e);
/* is_set() */
THRACE_API bool thrace_event_is_set(thrace_event *e);
/*
 * wait(timeout): THRACE_OK when the flag is set or a set() woke the caller
 * (even if clear() ran before it returned), THRACE_TIMEOUT otherwise.
 * THRACE_EINVAL for NaN, THRACE_ERANGE above THRACE_TIMEOUT_MAX when unset.
 */
THRACE_API int thrace_event_wait(thrace_event *e, double timeout);
THRACE_API int thrace__event_wait_at(thrace_event *e, double timeout, const thrace__site *site);
#define thrace_event_wait(...) thrace__event_wait_at(__VA_ARGS__, THRACE__SITE)

/* ------------------------------------------------------------------------ */
/* Barrier                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct thrace_barrier {
    unsigned _mutex;   /* internal lock word */
    unsigned _waiters; /* internal condition queue */
    unsigned _parties;
    unsigned _count;      /* threads arrived in the current cycle */
    int _state;           /* filling or broken */
    unsigned _epoch;      /* moves on as parties are woken: the word they sleep on */
    unsigned long _cycle; /* how many cycles ended: released their parties, or reset */
    unsigned long _reset; /* 1 + the last cycle a reset ended, 0 if none */
    double _timeout;      /* default timeout */
    void (*_action)(void *);
    void *_arg;
    thrace__obj _obj;
} thrace_barrier;

/*
 * Barrier(parties, action, timeout): action(arg) (may be NULL) runs in the
 * last thread to arrive, before any is released. timeout is the default for
 * waits (THRACE_FOREVER: none). THRACE_EINVAL for 0 parties or a NaN timeout.
 */
THRACE_API int thrace_barrier_init(thrace_barrier *b, unsigned parties, void (*action)(void *),
                                   void *arg, double timeout);
THRACE_API void thrace_barrier_destroy(thrace_barrier *b);

/*
 * wait(timeout): blocks until parties threads wait, then releases them all.
 * *index (if index is not NULL) gets the arrival order, 0 to parties - 1.
 * THRACE_FOREVER uses the barrier's default timeout. THRACE_EBROKEN when the
 * barrier is or becomes broken: aborted, reset while waiting, or a wait timed
 * out (which breaks it for every waiter). THRACE_EINVAL for NaN,
 * THRACE_ERANGE above THRACE_TIMEOUT_MAX when it would block.
 */
THRACE_API int thrace_barrier_wait(thrace_barrier *b, double timeout, unsigned *index);
THRACE_API int thrace__barrier_wait_at(thrace_barrier *b, double timeout, unsigned *index,
                                       const thrace__site *site);
#define thrace_barrier_wait(...) thrace__barrier_wait_at(__VA_ARGS__, THRACE__SITE)

/* abort(): breaks the barrier; waits fail with THRACE_EBROKEN until reset. */
THRACE_API void thrace_barrier_abort(thrace_barrier *b);
/* reset(): back to empty; threads waiting get THRACE_EBROKEN. */
THRACE_API void thrace_barrier_reset(thrace_barrier *b);
/* parties */
THRACE_API unsigned thrace_barrier_parties(thrace_barrier *b);
/* n_waiting: threads waiting in the current cycle (0 while draining). */
THRACE_API unsigned thrace_barrier_n_waiting(thrace_barrier *b);
/* broken */
THRACE_API bool thrace_barrier_broken(thrace_barrier *b);

/* ------------------------------------------------------------------------ */
/* local                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct thrace_local {
    pthread_key_t _key;
    size_t _size;
    void (*_init)(void *data, void *arg);
    void *_arg;
    void (*_destroy)(void *data);
    void *_instances; /* every thread's data, for _destroy */
} thrace_local;

/*
 * local(), or a subclass whose __init__(arg) runs once in each thread: each
 * thread gets its own zeroed block of size bytes, passed to init(data, arg)
 * on the thread's first thrace_local_get. destroy(data) runs on it when its
 * thread ends (before join returns) or at thrace_local_destroy. init and
 * destroy may be NULL. THRACE_ENOMEM when no key is left.
 */
THRACE_API int thrace_local_init(thrace_local *l, size_t size, void (*init)(void *data, void *arg),
                                 void *arg, void (*destroy)(void *data));

/* Destroys every thread's data; no other thread may use l any more. */
THRACE_API void thrace_local_destroy(thrace_local *l);

/* This thread's data (aligned for any type), or NULL when out of memory. */
THRACE_API void *thrace_local_get(thrace_local *l);

/* ------------------------------------------------------------------------ */
/* logging                                                                   */
/* ------------------------------------------------------------------------ */

enum {
    THRACE_LOG_DEBUG = 10,
    THRACE_LOG_INFO = 20,
    THRACE_LOG_WARNING = 30,
    THRACE_LOG_ERROR = 40,
    THRACE_LOG_CRITICAL = 50
};

/*
 * logging.basicConfig(format=format, level=level, force=True): lines go to
 * stderr, each written whole. format uses Python's %(name)s directives with
 * flags, width and precision: threadName, message, levelname, levelno, name,
 * asctime, created, msecs, relativeCreated, thread, threadName, process,
 * processName, pathname, filename, module, funcName, lineno; "%%" is a
 * percent sign. NULL gives Python's default "%(levelname)s:%(name)s:%(message)s".
 * THRACE_EINVAL (configuration unchanged) for an unknown key, a malformed
 * directive or a numeric conversion of a text field. Until called: the
 * default format at level WARNING.
 */
THRACE_API int thrace_log_config(const char *format, int level);

/* logging.log(level, ...) with a printf format, from the given call site. */
THRACE_API void thrace_log_at(int level, const char *file, int line, const char *func,
                              const char *fmt, ...) THRACE__PRINTF(5, 6);

/* logging.debug(...) and friends, printf-style. */
THRACE_API void thrace_log(int level, const char *fmt, ...) THRACE__PRINTF(2, 3);
THRACE_API void thrace_debug(const char *fmt, ...) THRACE__PRINTF(1, 2);
THRACE_API void thrace_info(const char *fmt, ...) THRACE__PRINTF(1, 2);
THRACE_API void thrace_warning(const char *fmt, ...) THRACE__PRINTF(1, 2);
THRACE_API void thrace_error(const char *fmt, ...) THRACE__PRINTF(1, 2);
THRACE_API void thrace_critical(const char *fmt, ...) THRACE__PRINTF(1, 2);

/* The calls above as macros, so that lines know their file, line and function. */
#define thrace_log(level, ...) thrace_log_at((level), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define thrace_debug(...)      thrace_log_at(THRACE_LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define thrace_info(...)       thrace_log_at(THRACE_LOG_INFO, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define thrace_warning(...)                                                                        \
    thrace_log_at(THRACE_LOG_WARNING, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define thrace_error(...) thrace_log_at(THRACE_LOG_ERROR, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define thrace_critical(...)                                                                       \
    thrace_log_at(THRACE_LOG_CRITICAL, __FILE__, __LINE__, __func__, __VA_ARGS__)

/* ------------------------------------------------------------------------ */
/* Names and `with`                                                          */
/* ------------------------------------------------------------------------ */

/* Name an object for traces and the viewer. THRACE_EINVAL for NULL, ENOMEM. */
THRACE_API int thrace_lock_set_name(thrace_lock *l, const char *name);
THRACE_API int thrace_rlock_set_name(thrace_rlock *r, const char *name);
THRACE_API int thrace_cond_set_name(thrace_cond *c, const char *name);
THRACE_API int thrace_sem_set_name(thrace_sem *s, const char *name);
THRACE_API int thrace_event_set_name(thrace_event *e, const char *name);
THRACE_API int thrace_barrier_set_name(thrace_barrier *b, const char *name);

/* `with` support: blocking acquire (never fails) and release, both at the
 * block's site. */
typedef void (*thrace__with_fn_t)(void *obj, bool enter, const thrace__site *site);
THRACE_API void thrace__with_lock(void *l, bool enter, const thrace__site *site);
THRACE_API void thrace__with_rlock(void *r, bool enter, const thrace__site *site);
THRACE_API void thrace__with_cond(void *c, bool enter, const thrace__site *site);
THRACE_API void thrace__with_sem(void *s, bool enter, const thrace__site *site);

typedef struct {
    void *_obj;
    thrace__with_fn_t _with;
    const thrace__site *_site;
    int _done;
} thrace__with_guard;

static inline thrace__with_guard thrace__with_begin(void *obj, thrace__with_fn_t with,
                                                    const thrace__site *site)
{
    thrace__with_guard g = {obj, with, site, 0};
    with(obj, true, site);
    return g;
}

static inline void thrace__with_end(thrace__with_guard *g)
{
    g->_with(g->_obj, false, g->_site);
}

#ifdef __cplusplus
} /* extern "C" */

inline int thrace_name(thrace_lock *o, const char *n)
{
    return thrace_lock_set_name(o, n);
}
inline int thrace_name(thrace_rlock *o, const char *n)
{
    return thrace_rlock_set_name(o, n);
}
inline int thrace_name(thrace_cond *o, const char *n)
{
    return thrace_cond_set_name(o, n);
}
inline int thrace_name(thrace_sem *o, const char *n)
{
    return thrace_sem_set_name(o, n);
}
inline int thrace_name(thrace_event *o, const char *n)
{
    return thrace_event_set_name(o, n);
}
inline int thrace_name(thrace_barrier *o, const char *n)
{
    return thrace_barrier_set_name(o, n);
}
inline int thrace_name(thrace_thread *o, const char *n)
{
    return thrace_thread_set_name(o, n);
}
inline thrace__with_fn_t thrace__with_fn(thrace_lock *)
{
    return thrace__with_lock;
}
inline thrace__with_fn_t thrace__with_fn(thrace_rlock *)
{
    return thrace__with_rlock;
}
inline thrace__with_fn_t thrace__with_fn(thrace_cond *)
{
    return thrace__with_cond;
}
inline thrace__with_fn_t thrace__with_fn(thrace_sem *)
{
    return thrace__with_sem;
}
#define THRACE__WITH_FN(obj) thrace__with_fn(obj)

#else

/*
 * thrace_name(&obj, "name"): one call for every kind (Lock, RLock, Condition,
 * Semaphore, Event, Barrier, and a thrace_thread *). Codes as the setters.
 */
#define thrace_name(obj, name)                                                                     \
    _Generic((obj), thrace_lock *                                                                  \
             : thrace_lock_set_name, thrace_rlock *                                                \
             : thrace_rlock_set_name, thrace_cond *                                                \
             : thrace_cond_set_name, thrace_sem *                                                  \
             : thrace_sem_set_name, thrace_event *                                                 \
             : thrace_event_set_name, thrace_barrier *                                             \
             : thrace_barrier_set_name, thrace_thread *                                            \
             : thrace_thread_set_name)((obj), (name))

#define THRACE__WITH_FN(obj)                                                                       \
    _Generic((obj), thrace_lock *                                                                  \
             : thrace__with_lock, thrace_rlock *                                                   \
             : thrace__with_rlock, thrace_cond *                                                   \
             : thrace__with_cond, thrace_sem *                                                     \
             : thrace__with_sem)

#endif

#define THRACE__CAT2(a, b) a##b
#define THRACE__CAT(a, b)  THRACE__CAT2(a, b)
#define THRACE__GUARD      THRACE__CAT(thrace__with_guard_, __LINE__)

/*
 * THRACE_WITH(&lock) { ... }: Python's `with lock:` for a Lock, RLock,
 * Condition or Semaphore. The block runs holding it; leaving the block in any
 * way (end, break, continue, return, goto) releases it.
 */
#define THRACE_WITH(obj)                                                                           \
    for (thrace__with_guard THRACE__GUARD __attribute__((cleanup(thrace__with_end))) =             \
             thrace__with_begin((obj), THRACE__WITH_FN(obj), THRACE__SITE);                        \
         !THRACE__GUARD._done; THRACE__GUARD._done = 1)

#endif /* THRACE_H */
