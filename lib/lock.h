/*
 * lock.h - what Lock and RLock share: the slow path of a user-visible
 * acquire, which turns Python's timeout into a deadline before parking.
 */
#ifndef THRACE_LOCK_H
#define THRACE_LOCK_H

#include "mutex.h"

/* Blocks on word for timeout seconds (normalised, > 0 or FOREVER). */
int thrace__lock_acquire_slow(unsigned *word, double timeout);

#endif
