/*
 * annotate.c - the Locks each thread took as the race detectors were told
 * (annotate.h). A Lock has no owner: this thread-local list alone tells a
 * release by the taker, which ends a detector's hold, from one by another
 * thread, a hand-off only. It owns nothing shared. A taking that does not
 * fit the list is not told, so its release is not told either. Under
 * valgrind it also owns whether libthrace runs under it.
 */
#include "annotate.h"

#ifdef THRACE__ANNOTATE_ON

enum { ANNOTATE_HELD_MAX = 32 };

static THRACE__TLS const thrace__obj *annotate_held[ANNOTATE_HELD_MAX];
static THRACE__TLS unsigned annotate_held_count;

#ifdef THRACE__ANNOTATE_VALGRIND
bool thrace__annotate_valgrind;

/* First of libthrace's constructors: no lock is taken untold before. */
__attribute__((constructor(101))) static void annotate_init(void)
{
    thrace__annotate_valgrind = RUNNING_ON_VALGRIND != 0;
}
#endif

/* Removes lock from the caller's list; whether it was there. */
static bool annotate_drop(const thrace__obj *lock)
{
    for (unsigned i = 0; i < annotate_held_count; i++) {
        if (annotate_held[i] == lock) {
            annotate_held[i] = annotate_held[--annotate_held_count];
            return true;
        }
    }
    return false;
}

static void annotate_tell_taken(const thrace__obj *lock)
{
#ifdef THRACE__ANNOTATE_TSAN
    __tsan_mutex_pre_lock((void *)lock, __tsan_mutex_read_lock);
    __tsan_mutex_post_lock((void *)lock, __tsan_mutex_read_lock, 0);
#else
    ANNOTATE_RWLOCK_ACQUIRED(lock, 0);
#endif
}

static void annotate_tell_given(const thrace__obj *lock)
{
#ifdef THRACE__ANNOTATE_TSAN
    __tsan_mutex_pre_unlock((void *)lock, __tsan_mutex_read_lock);
    __tsan_mutex_post_unlock((void *)lock, __tsan_mutex_read_lock);
#else
    ANNOTATE_RWLOCK_RELEASED(lock, 0);
#endif
}

void thrace__annotate_taken(const thrace__obj *lock)
{
    /* Still listed: another thread released it since, ending that hold. */
    if (annotate_drop(lock))
        annotate_tell_given(lock);
    if (annotate_held_count == ANNOTATE_HELD_MAX)
        return;
    annotate_held[annotate_held_count++] = lock;
    annotate_tell_taken(lock);
}

void thrace__annotate_giving(const thrace__obj *lock)
{
    if (annotate_drop(lock))
        annotate_tell_given(lock);
}

void thrace__annotate_forget(const thrace__obj *lock)
{
    thrace__annotate_giving(lock);
#ifdef THRACE__ANNOTATE_TSAN
    __tsan_mutex_destroy((void *)lock, __tsan_mutex_not_static);
#else
    ANNOTATE_RWLOCK_DESTROY(lock);
#endif
}

#endif
