/*
 * annotate.h - what the race detectors a user already runs see of thrace:
 * ThreadSanitizer's annotations in a TSan build, helgrind's and DRD's client
 * requests when valgrind/helgrind.h was found at build time
 * (THRACE_HAVE_HELGRIND_H), nothing otherwise. Each hook is one call at an
 * acquire, a release or a hand-off of the primitive that makes it.
 *
 * A lock is known to the detectors by its object (&l->_obj), never by its
 * word, which the word hooks below use for hand-offs (DRD keeps one kind of
 * synchronisation object per address). An RLock has an owner: the
 * detectors see a writer lock, held from its outermost acquire to its last
 * release. A Lock has none, and any thread may release it, which no
 * detector's mutex allows: they see a reader lock held by the thread that
 * took it until that thread releases it (annotate.c keeps each thread's
 * takings). A Lock released by a thread that did not take it is a signal,
 * not a mutex: from then on its releases and acquires are hand-offs only,
 * and its taker's hold ends at the taker's next Lock call. Reader locks let
 * a Lock be taken while a detector still counts such a hold; ThreadSanitizer
 * and helgrind check lock order over them all the same.
 *
 * Hand-offs (a Semaphore's release to an acquire, an Event's set to a wait,
 * a notify to a wake, a Barrier's arrivals to its departures) are a release
 * on the object before and an acquire after. ThreadSanitizer also sees them
 * in the atomics of the internal lock words; helgrind and DRD, which take
 * atomics for races, see those words through the word hooks (mutex.h).
 *
 * Under valgrind the hooks act only when libthrace was loaded under it:
 * otherwise each is one load and an untaken branch.
 */
#ifndef THRACE_LIB_ANNOTATE_H
#define THRACE_LIB_ANNOTATE_H

#include "internal.h"

#if defined(__SANITIZE_THREAD__)
#define THRACE__ANNOTATE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define THRACE__ANNOTATE_TSAN 1
#endif
#endif

#if defined(THRACE__ANNOTATE_TSAN)
#include <sanitizer/tsan_interface.h>
#define THRACE__ANNOTATE_ON 1
#elif defined(THRACE_HAVE_HELGRIND_H)
#include <valgrind/helgrind.h>
#define THRACE__ANNOTATE_VALGRIND 1
/* Whether libthrace runs under valgrind, read once as it loads. */
extern bool thrace__annotate_valgrind;
#define THRACE__ANNOTATE_ON       THRACE__UNLIKELY(thrace__annotate_valgrind)
#endif

#ifdef THRACE__ANNOTATE_ON
/* annotate.c: a Lock's taking and release as the detectors are told them. */
void thrace__annotate_taken(const thrace__obj *lock);
void thrace__annotate_giving(const thrace__obj *lock);
void thrace__annotate_forget(const thrace__obj *lock);
#endif
#ifdef THRACE__ANNOTATE_TSAN
void thrace__annotate_blocking(const thrace__obj *lock, bool owned);
#endif

/* An internal lock word was just taken: what its last holder did is seen. */
static inline void thrace__annotate_word_acquired(const unsigned *word)
{
#ifdef THRACE__ANNOTATE_VALGRIND
    if (THRACE__ANNOTATE_ON) {
        /* Every access to the word is atomic: none of them is a race. */
        VALGRIND_HG_DISABLE_CHECKING(word, sizeof *word);
        ANNOTATE_HAPPENS_AFTER(word);
    }
#else
    (void)word;
#endif
}

/* An internal lock word is about to be let go. */
static inline void thrace__annotate_word_releasing(const unsigned *word)
{
#ifdef THRACE__ANNOTATE_VALGRIND
    if (THRACE__ANNOTATE_ON)
        ANNOTATE_HAPPENS_BEFORE(word);
#else
    (void)word;
#endif
}

/* A hand-off begins: what the caller did so far is seen by the receiver. */
static inline void thrace__annotate_release(const void *obj)
{
#if defined(THRACE__ANNOTATE_TSAN)
    __tsan_release((void *)obj);
#elif defined(THRACE__ANNOTATE_VALGRIND)
    if (THRACE__ANNOTATE_ON)
        ANNOTATE_HAPPENS_BEFORE(obj);
#else
    (void)obj;
#endif
}

/* A hand-off arrived: the caller sees what the releasers did before it. */
static inline void thrace__annotate_acquire(const void *obj)
{
#if defined(THRACE__ANNOTATE_TSAN)
    __tsan_acquire((void *)obj);
#elif defined(THRACE__ANNOTATE_VALGRIND)
    if (THRACE__ANNOTATE_ON)
        ANNOTATE_HAPPENS_AFTER(obj);
#else
    (void)obj;
#endif
}

/* A field read without a lock on purpose (a snapshot, an owner check). */
static inline void thrace__annotate_benign(const void *addr, size_t size)
{
#ifdef THRACE__ANNOTATE_VALGRIND
    if (THRACE__ANNOTATE_ON)
        VALGRIND_HG_DISABLE_CHECKING(addr, size);
#else
    (void)addr;
    (void)size;
#endif
}

/* A Lock or an RLock was initialised (a static one is known at first use). */
static inline void thrace__annotate_lock_created(const thrace__obj *lock)
{
#if defined(THRACE__ANNOTATE_TSAN)
    __tsan_mutex_create((void *)lock, __tsan_mutex_not_static);
#elif defined(THRACE__ANNOTATE_VALGRIND)
    if (THRACE__ANNOTATE_ON)
        ANNOTATE_RWLOCK_CREATE(lock);
#else
    (void)lock;
#endif
}

/* A Lock or an RLock is destroyed. */
static inline void thrace__annotate_lock_destroyed(const thrace__obj *lock)
{
#ifdef THRACE__ANNOTATE_ON
    if (THRACE__ANNOTATE_ON)
        thrace__annotate_forget(lock);
#else
    (void)lock;
#endif
}

/*
 * The caller is about to block on a Lock (owned false) or an RLock: a lock
 * order this closes is reported before the wait, which may never end.
 */
static inline void thrace__annotate_lock_blocking(const thrace__obj *lock, bool owned)
{
#ifdef THRACE__ANNOTATE_TSAN
    thrace__annotate_blocking(lock, owned);
#else
    (void)lock;
    (void)owned;
#endif
}

/* A Lock was taken (a failed try tells nothing). */
static inline void thrace__annotate_lock_acquired(const thrace__obj *lock)
{
#ifdef THRACE__ANNOTATE_ON
    if (THRACE__ANNOTATE_ON)
        thrace__annotate_taken(lock);
#else
    (void)lock;
#endif
}

/* A Lock is about to be released, by its taker or not. */
static inline void thrace__annotate_lock_releasing(const thrace__obj *lock)
{
#ifdef THRACE__ANNOTATE_ON
    if (THRACE__ANNOTATE_ON)
        thrace__annotate_giving(lock);
#else
    (void)lock;
#endif
}

/* An RLock was taken at its outermost level. */
static inline void thrace__annotate_rlock_acquired(const thrace__obj *lock)
{
#if defined(THRACE__ANNOTATE_TSAN)
    __tsan_mutex_pre_lock((void *)lock, 0);
    __tsan_mutex_post_lock((void *)lock, 0, 1);
#elif defined(THRACE__ANNOTATE_VALGRIND)
    if (THRACE__ANNOTATE_ON)
        ANNOTATE_RWLOCK_ACQUIRED(lock, 1);
#else
    (void)lock;
#endif
}

/* An RLock's last level is about to be released. */
static inline void thrace__annotate_rlock_releasing(const thrace__obj *lock)
{
#if defined(THRACE__ANNOTATE_TSAN)
    __tsan_mutex_pre_unlock((void *)lock, 0);
    __tsan_mutex_post_unlock((void *)lock, 0);
#elif defined(THRACE__ANNOTATE_VALGRIND)
    if (THRACE__ANNOTATE_ON)
        ANNOTATE_RWLOCK_RELEASED(lock, 1);
#else
    (void)lock;
#endif
}

#endif
