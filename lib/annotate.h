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
 * atomics for races, see those words through the word hooks (mutex.h, and
 * park.c for the word a parked waiter sleeps on).
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

/*
 * THRACE__TSAN(call) is the call in a TSan build, THRACE__VALGRIND(call) the
 * call under valgrind in a build with its header, THRACE__ANNOTATED(call)
 * either; each is nothing elsewhere, its argument never compiled.
 */
#if defined(THRACE__ANNOTATE_TSAN)
#include <sanitizer/tsan_interface.h>
#define THRACE__TSAN(call)      call
#define THRACE__VALGRIND(call)  ((void)0)
#define THRACE__ANNOTATED(call) call
#elif defined(THRACE_HAVE_HELGRIND_H)
#include <valgrind/helgrind.h>
#define THRACE__ANNOTATE_VALGRIND 1
/* Whether libthrace runs under valgrind, read once as it loads. */
extern bool thrace__annotate_valgrind;
#define THRACE__TSAN(call)        ((void)0)
#define THRACE__VALGRIND(call)                                                                     \
    do {                                                                                           \
        if (THRACE__UNLIKELY(thrace__annotate_valgrind))                                           \
            call;                                                                                  \
    } while (0)
#define THRACE__ANNOTATED(call) THRACE__VALGRIND(call)
#else
#define THRACE__TSAN(call)      ((void)0)
#define THRACE__VALGRIND(call)  ((void)0)
#define THRACE__ANNOTATED(call) ((void)0)
#endif

/* Whether a race detector watches: always in a TSan build, under valgrind
 * in a build with its header (one load), never otherwise. */
#if defined(THRACE__ANNOTATE_TSAN)
#define THRACE__ANNOTATING() 1
#elif defined(THRACE__ANNOTATE_VALGRIND)
#define THRACE__ANNOTATING() THRACE__UNLIKELY(thrace__annotate_valgrind)
#else
#define THRACE__ANNOTATING() 0
#endif

/* annotate.c: a Lock's taking and release as the detectors are told them. */
void thrace__annotate_taken(const thrace__obj *lock);
void thrace__annotate_giving(const thrace__obj *lock);
void thrace__annotate_forget(const thrace__obj *lock);
/* And in a TSan build, the lock-order check before a wait. */
void thrace__annotate_blocking(const thrace__obj *lock, bool owned);

/* An internal lock word was just taken: what its last holder did is seen. */
static inline void thrace__annotate_word_acquired(const unsigned *word)
{
    /* Every access to the word is atomic: none of them is a race. */
    THRACE__VALGRIND(VALGRIND_HG_DISABLE_CHECKING(word, sizeof *word));
    THRACE__VALGRIND(ANNOTATE_HAPPENS_AFTER(word));
    (void)word;
}

/* An internal lock word is about to be let go. */
static inline void thrace__annotate_word_releasing(const unsigned *word)
{
    THRACE__VALGRIND(ANNOTATE_HAPPENS_BEFORE(word));
    (void)word;
}

/* A hand-off begins: what the caller did so far is seen by the receiver. */
static inline void thrace__annotate_release(const void *obj)
{
    THRACE__TSAN(__tsan_release((void *)obj));
    THRACE__VALGRIND(ANNOTATE_HAPPENS_BEFORE(obj));
    (void)obj;
}

/* A hand-off arrived: the caller sees what the releasers did before it. */
static inline void thrace__annotate_acquire(const void *obj)
{
    THRACE__TSAN(__tsan_acquire((void *)obj));
    THRACE__VALGRIND(ANNOTATE_HAPPENS_AFTER(obj));
    (void)obj;
}

/* A field read without a lock on purpose (a snapshot, an owner check). */
static inline void thrace__annotate_benign(const void *addr, size_t size)
{
    THRACE__VALGRIND(VALGRIND_HG_DISABLE_CHECKING(addr, size));
    (void)addr;
    (void)size;
}

/* A Lock or an RLock was initialised (a static one is known at first use). */
static inline void thrace__annotate_lock_created(const thrace__obj *lock)
{
    THRACE__TSAN(__tsan_mutex_create((void *)lock, __tsan_mutex_not_static));
    THRACE__VALGRIND(ANNOTATE_RWLOCK_CREATE(lock));
    (void)lock;
}

/* A Lock or an RLock is destroyed. */
static inline void thrace__annotate_lock_destroyed(const thrace__obj *lock)
{
    THRACE__ANNOTATED(thrace__annotate_forget(lock));
    (void)lock;
}

/*
 * The caller is about to block on a Lock (owned false) or an RLock: a lock
 * order this closes is reported before the wait, which may never end.
 */
static inline void thrace__annotate_lock_blocking(const thrace__obj *lock, bool owned)
{
    THRACE__TSAN(thrace__annotate_blocking(lock, owned));
    (void)lock;
    (void)owned;
}

/* A Lock was taken (a failed try tells nothing). */
static inline void thrace__annotate_lock_acquired(const thrace__obj *lock)
{
    THRACE__ANNOTATED(thrace__annotate_taken(lock));
    (void)lock;
}

/* A Lock is about to be released, by its taker or not. */
static inline void thrace__annotate_lock_releasing(const thrace__obj *lock)
{
    THRACE__ANNOTATED(thrace__annotate_giving(lock));
    (void)lock;
}

/* An RLock was taken at its outermost level. */
static inline void thrace__annotate_rlock_acquired(const thrace__obj *lock)
{
    THRACE__TSAN(__tsan_mutex_pre_lock((void *)lock, 0));
    THRACE__TSAN(__tsan_mutex_post_lock((void *)lock, 0, 1));
    THRACE__VALGRIND(ANNOTATE_RWLOCK_ACQUIRED(lock, 1));
    (void)lock;
}

/* An RLock's last level is about to be released. */
static inline void thrace__annotate_rlock_releasing(const thrace__obj *lock)
{
    THRACE__TSAN(__tsan_mutex_pre_unlock((void *)lock, 0));
    THRACE__TSAN(__tsan_mutex_post_unlock((void *)lock, 0));
    THRACE__VALGRIND(ANNOTATE_RWLOCK_RELEASED(lock, 1));
    (void)lock;
}

#endif
