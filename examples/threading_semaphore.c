/*
 * threading_semaphore.c - a Semaphore(2) lets at most two of the four workers
 * into the "connection pool" at once. The pool only tracks which threads are
 * active, under a Lock of its own, and logs the list as Python prints it.
 */
#include "thrace.h"

#include <stdio.h>
#include <string.h>

enum { WORKERS = 4, NAME_SIZE = 16 };

typedef struct {
    char active[WORKERS][NAME_SIZE];
    int count;
    thrace_lock lock;
} active_pool;

/* repr(list) of strings: ['0', '1'] */
static const char *list_repr(const active_pool *pool, char *buf, size_t size)
{
    size_t at = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < pool->count && at < size; i++)
        at += (size_t)snprintf(buf + at, size - at, "%s'%s'", i ? ", " : "", pool->active[i]);
    if (at < size)
        snprintf(buf + at, size - at, "]");
    return buf;
}

static void active_pool_init(active_pool *pool)
{
    pool->count = 0;
    thrace_lock_init(&pool->lock);
}

static void make_active(active_pool *pool, const char *name)
{
    char repr[WORKERS * (NAME_SIZE + 4) + 2];
    THRACE_WITH (&pool->lock) {
        snprintf(pool->active[pool->count++], NAME_SIZE, "%s", name);
        thrace_debug("运行中: %s", list_repr(pool, repr, sizeof repr));
    }
}

static void make_inactive(active_pool *pool, const char *name)
{
    char repr[WORKERS * (NAME_SIZE + 4) + 2];
    THRACE_WITH (&pool->lock) {
        for (int i = 0; i < pool->count; i++) {
            if (strcmp(pool->active[i], name) == 0) {
                memmove(pool->active[i], pool->active[i + 1],
                        (size_t)(pool->count - i - 1) * NAME_SIZE);
                pool->count--;
                break;
            }
        }
        thrace_debug("运行中: %s", list_repr(pool, repr, sizeof repr));
    }
}

/* args=(s, pool) */
typedef struct {
    thrace_sem *s;
    active_pool *pool;
} worker_args;

static void worker(void *arg)
{
    worker_args *a = arg;
    thrace_debug("等待加入到连接池");
    THRACE_WITH (a->s) {
        const char *name = thrace_thread_name(thrace_current_thread());
        make_active(a->pool, name);
        thrace_sleep(0.1);
        make_inactive(a->pool, name);
    }
}

int main(void)
{
    /* Static: the workers outlive main's frame (exit joins them). */
    static active_pool pool;
    static thrace_sem s;
    static worker_args args = {&s, &pool};

    thrace_log_config("%(asctime)s (%(threadName)-2s) %(message)s", THRACE_LOG_DEBUG);

    active_pool_init(&pool);
    thrace_sem_init(&s, 2);
    for (int i = 0; i < WORKERS; i++) {
        char name[NAME_SIZE];
        snprintf(name, sizeof name, "%d", i);
        thrace_thread *t = thrace_thread_new(worker, &args, &(thrace_thread_opts){.name = name});
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }
    return 0;
}
