/*
 * annotate.c - Locks as the race detectors are told them (annotate.h). A
 * Lock has no owner, so two things are kept here. Each thread's list of the
 * Locks it took and told as held: a release by a thread that finds the Lock
 * in its own list ends that hold. And the set of signals, Locks released by
 * a thread that did not take them: never told as held again (until
 * destroyed), and ended in their taker's list at the taker's next call. The
 * set is shared, read and written with relaxed atomics only, so that it
 * orders nothing the detectors would see. A taking that does not fit the
 * list is not told; a signal that does not fit the set stays a mutex. A
 * thread's holds end when it does (a key's destructor, and at exit for the
 * thread calling exit). Under valgrind, also whether libthrace runs under it.
 */
#include "annotate.h"

#include <stdlib.h>

#if defined(THRACE__ANNOTATE_TSAN) || defined(THRACE__ANNOTATE_VALGRIND)

enum { ANNOTATE_HELD_MAX = 32, ANNOTATE_SIGNAL_BITS = 12 };
#define ANNOTATE_SIGNALS (1u << ANNOTATE_SIGNAL_BITS)
#define ANNOTATE_GONE    ((uintptr_t)1) /* a destroyed signal's place */

static THRACE__TLS const thrace__obj *annotate_held[ANNOTATE_HELD_MAX];
static THRACE__TLS unsigned annotate_held_count;
/* Whether the caller's holds end when it does (annotate_exit_key is set). */
static THRACE__TLS bool annotate_armed;
static pthread_once_t annotate_exit_once = PTHREAD_ONCE_INIT;
static pthread_key_t annotate_exit_key;

/* Open addressing over Locks' addresses: 0 free, ANNOTATE_GONE, or a Lock. */
static uintptr_t annotate_signals[ANNOTATE_SIGNALS];

#ifdef THRACE__ANNOTATE_VALGRIND
bool thrace__annotate_valgrind;

/* First of libthrace's constructors: no lock is taken untold before. */
__attribute__((constructor(101))) static void annotate_init(void)
{
    thrace__annotate_valgrind = RUNNING_ON_VALGRIND != 0;
    /* The set's accesses are atomic, and order nothing: none is a race. */
    VALGRIND_HG_DISABLE_CHECKING(annotate_signals, sizeof annotate_signals);
}
#endif

static size_t annotate_home(const thrace__obj *lock)
{
    uint64_t h = (uint64_t)(uintptr_t)lock * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return h >> (64 - ANNOTATE_SIGNAL_BITS);
}

static uintptr_t *annotate_place(size_t i)
{
    return &annotate_signals[i % ANNOTATE_SIGNALS];
}

static bool annotate_is_signal(const thrace__obj *lock)
{
    size_t home = annotate_home(lock);
    for (size_t i = home; i < home + ANNOTATE_SIGNALS; i++) {
        uintptr_t v = __atomic_load_n(annotate_place(i), __ATOMIC_RELAXED);
        if (v == (uintptr_t)lock)
            return true;
        if (v == 0)
            return false;
    }
    return false;
}

static void annotate_signal_add(const thrace__obj *lock)
{
    if (annotate_is_signal(lock))
        return;
    size_t home = annotate_home(lock);
    for (size_t i = home; i < home + ANNOTATE_SIGNALS; i++) {
        uintptr_t v = __atomic_load_n(annotate_place(i), __ATOMIC_RELAXED);
        /* Two threads adding one Lock at once may both add it: no harm. */
        if ((v == 0 || v == ANNOTATE_GONE) &&
            __atomic_compare_exchange_n(annotate_place(i), &v, (uintptr_t)lock, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            return;
    }
}

/* Every copy goes: its address may hold a new Lock, a mutex until shown not. */
static void annotate_signal_remove(const thrace__obj *lock)
{
    size_t home = annotate_home(lock);
    for (size_t i = home; i < home + ANNOTATE_SIGNALS; i++) {
        uintptr_t v = (uintptr_t)lock;
        if (__atomic_compare_exchange_n(annotate_place(i), &v, ANNOTATE_GONE, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            continue;
        if (v == 0)
            return;
    }
}

static void annotate_tell_taken(const thrace__obj *lock)
{
    THRACE__TSAN(__tsan_mutex_pre_lock((void *)lock, __tsan_mutex_read_lock));
    THRACE__TSAN(__tsan_mutex_post_lock((void *)lock, __tsan_mutex_read_lock, 0));
    THRACE__VALGRIND(ANNOTATE_RWLOCK_ACQUIRED(lock, 0));
}

static void annotate_tell_given(const thrace__obj *lock)
{
    THRACE__TSAN(__tsan_mutex_pre_unlock((void *)lock, __tsan_mutex_read_lock));
    THRACE__TSAN(__tsan_mutex_post_unlock((void *)lock, __tsan_mutex_read_lock));
    THRACE__VALGRIND(ANNOTATE_RWLOCK_RELEASED(lock, 0));
}

/* Removes the caller's i-th hold, ending it for the detectors. */
static void annotate_end(unsigned i)
{
    annotate_tell_given(annotate_held[i]);
    annotate_held[i] = annotate_held[--annotate_held_count];
}

/* Removes lock from the caller's list, ending the hold; whether it was there. */
static bool annotate_drop(const thrace__obj *lock)
{
    for (unsigned i = 0; i < annotate_held_count; i++) {
        if (annotate_held[i] == lock) {
            annotate_end(i);
            return true;
        }
    }
    return false;
}

/* Ends the caller's holds of Locks that another thread released since. */
static void annotate_end_signals(void)
{
    for (unsigned i = 0; i < annotate_held_count;) {
        if (annotate_is_signal(annotate_held[i]))
            annotate_end(i);
        else
            i++;
    }
}

/* A thread that ends holding Locks gives them up: a Lock has no owner. */
static void annotate_end_all(void)
{
    while (annotate_held_count > 0)
        annotate_end(0);
}

static void annotate_thread_exit(void *unused)
{
    (void)unused;
    annotate_end_all();
}

static void annotate_exit_arm(void)
{
    THRACE__CHECK(pthread_key_create(&annotate_exit_key, annotate_thread_exit));
    atexit(annotate_end_all); /* the thread calling exit() runs no destructor */
}

void thrace__annotate_taken(const thrace__obj *lock)
{
    annotate_end_signals();
    if (annotate_held_count == ANNOTATE_HELD_MAX || annotate_is_signal(lock))
        return;
    if (!annotate_armed) {
        THRACE__CHECK(pthread_once(&annotate_exit_once, annotate_exit_arm));
        THRACE__CHECK(pthread_setspecific(annotate_exit_key, &annotate_armed));
        annotate_armed = true;
    }
    annotate_held[annotate_held_count++] = lock;
    annotate_tell_taken(lock);
}

void thrace__annotate_giving(const thrace__obj *lock)
{
    if (!annotate_drop(lock))
        annotate_signal_add(lock);
}

void thrace__annotate_forget(const thrace__obj *lock)
{
    annotate_drop(lock);
    annotate_signal_remove(lock);
    THRACE__TSAN(__tsan_mutex_destroy((void *)lock, __tsan_mutex_not_static));
    THRACE__VALGRIND(ANNOTATE_RWLOCK_DESTROY(lock));
}

#ifdef THRACE__ANNOTATE_TSAN
void thrace__annotate_blocking(const thrace__obj *lock, bool owned)
{
    unsigned mode = owned ? 0 : __tsan_mutex_read_lock;
    if (!owned) {
        annotate_end_signals();
        if (annotate_is_signal(lock))
            return;
    }
    /* The order check of a lock, without the hold, which comes once taken. */
    __tsan_mutex_pre_lock((void *)lock, mode);
    __tsan_mutex_post_lock((void *)lock, mode | __tsan_mutex_try_lock_failed, 0);
}
#endif

#endif
