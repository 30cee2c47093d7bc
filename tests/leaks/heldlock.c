/*
 * heldlock.c - threads that end holding a lock. `heldlock lock`: a cache
 * refresh whose failed load returns holding the cache's Lock; `heldlock
 * lock_hang`: the same, then a reader waits for the Lock for ever;
 * `heldlock rlock`: a tree walk whose error path leaves a level without
 * releasing the tree's RLock. In each, the main thread exits holding a
 * Lock of its own and a daemon thread is abandoned at exit holding
 * another: neither is a leak.
 */
#include <thrace.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static thrace_lock cache_lock = THRACE_LOCK_INIT, config_lock = THRACE_LOCK_INIT,
                   stats_lock = THRACE_LOCK_INIT;
static thrace_rlock tree_lock;
static thrace_event stats_held, never;
static int cache;

static void refresh(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&cache_lock, true, THRACE_FOREVER); /* refresh takes the cache */
    bool loaded = false;                                    /* the load fails */
    if (!loaded)
        return; /* the bug: returns holding cache_lock */
    cache++;
    thrace_lock_release(&cache_lock);
}

static void reader(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&cache_lock, true, THRACE_FOREVER); /* reader waits for the cache */
    thrace_lock_release(&cache_lock);
}

static bool visit(int depth)
{
    thrace_rlock_acquire(&tree_lock, true, THRACE_FOREVER); /* visit takes the tree */
    if (depth == 2)
        return false; /* the bug: an error path that leaves without releasing */
    bool ok = visit(depth + 1);
    thrace_rlock_release(&tree_lock);
    return ok;
}

static void walk(void *arg)
{
    (void)arg;
    if (!visit(0)) /* walk visits the root */
        thrace_warning("walk failed");
}

/* A daemon that holds stats_lock until exit abandons it. */
static void stats(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&stats_lock, true, THRACE_FOREVER);
    thrace_event_set(&stats_held);
    thrace_event_wait(&never, THRACE_FOREVER);
}

static void run(void (*fn)(void *))
{
    thrace_thread *t = thrace_thread_new(fn, NULL, NULL);
    thrace_thread_start(t);
    thrace_thread_join(t, THRACE_FOREVER);
    thrace_thread_unref(t);
}

int main(int argc, char **argv)
{
    const char *what = argc == 2 ? argv[1] : "";
    bool lock = strcmp(what, "lock") == 0, lock_hang = strcmp(what, "lock_hang") == 0;
    if (!lock && !lock_hang && strcmp(what, "rlock") != 0) {
        fprintf(stderr, "usage: heldlock lock|lock_hang|rlock\n");
        return 2;
    }
    thrace_rlock_init(&tree_lock);
    thrace_name(&tree_lock, "tree_lock");
    thrace_name(&cache_lock, "cache_lock");
    thrace_event_init(&stats_held);
    thrace_event_init(&never);
    thrace_thread_opts daemon = {.name = "stats", .daemon = THRACE_DAEMON};
    thrace_thread *d = thrace_thread_new(stats, NULL, &daemon);
    thrace_thread_start(d);
    thrace_thread_unref(d);
    thrace_event_wait(&stats_held, THRACE_FOREVER);
    thrace_lock_acquire(&config_lock, true, THRACE_FOREVER); /* held until exit */
    run(lock || lock_hang ? refresh : walk);
    if (lock_hang)
        run(reader);
    return 0;
}
