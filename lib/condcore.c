/*
 * condcore.c - a condition wait over an internal lock word (see condcore.h).
 */
#include "condcore.h"

/* A wait, queued under the lock; not slept at all when ready says so. */
static int wait_queued(unsigned *queue, unsigned *mutex, const thrace__deadline *d,
                       bool (*ready)(const void *ctx), const void *ctx, uint64_t *token)
{
    /* Long past: a sleep that ends at once, unless a notifier claimed it. */
    static const thrace__deadline past = {{0, 0}, false};
    thrace__waiter w;
    thrace__condcore_enter(queue, &w);
    bool now = ready && ready(ctx);
    thrace__condcore_unlock(mutex);
    int rc = thrace__park_sleep(&w, now ? &past : d);
    thrace__mutex_lock(mutex);
    thrace__condcore_leave(queue);
    if (token)
        *token = w.token;
    return rc;
}

int thrace__condcore_wait(unsigned *queue, unsigned *mutex, const thrace__deadline *d,
                          uint64_t *token)
{
    return wait_queued(queue, mutex, d, NULL, NULL, token);
}

int thrace__condcore_wait_unless(unsigned *queue, unsigned *mutex, const thrace__deadline *d,
                                 bool (*ready)(const void *ctx), const void *ctx)
{
    return wait_queued(queue, mutex, d, ready, ctx, NULL);
}
