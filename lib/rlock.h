/*
 * rlock.h - RLock's hooks for Condition (threading.py's _is_owned,
 * _release_save and _acquire_restore), traced as the release and the
 * re-acquisition of the RLock that a Condition.wait makes.
 */
#ifndef THRACE_LIB_RLOCK_H
#define THRACE_LIB_RLOCK_H

#include "internal.h"

/* thrace_rlock_init, telling made as where r was made (a Condition's own
 * RLock: where the Condition was). */
void thrace__rlock_init_at(thrace_rlock *r, uint64_t made);
/* Whether the calling thread owns r. */
bool thrace__rlock_is_owned(const thrace_rlock *r);
/* Releases every level the caller holds; returns the depth. */
unsigned long thrace__rlock_release_save(thrace_rlock *r);
/* Blocks until acquired, then restores the depth. */
void thrace__rlock_acquire_restore(thrace_rlock *r, unsigned long count, const thrace__site *site);

#endif
