/*
 * condcore.c - a condition wait over an internal lock word (see condcore.h).
 */
#include "condcore.h"

int thrace__condcore_wait(unsigned *queue, unsigned *mutex, const thrace__deadline *d,
                          uint64_t *token)
{
    thrace__waiter w;
    thrace__condcore_enter(queue, &w);
    thrace__condcore_unlock(mutex);
    int rc = thrace__park_sleep(&w, d);
    thrace__mutex_lock(mutex);
    thrace__condcore_leave(queue);
    if (token)
        *token = w.token;
    return rc;
}
