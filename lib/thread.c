/*
 * thread.c - Python's Thread: handles, names, daemon flags, start, run and
 * join. start() hands the new thread a reference and waits until it has its
 * ident; the thread registers in the live list before it is created (Python's
 * "limbo"), leaves it when its target returns, then sets `done`, on which
 * join waits (never pthread_join: joins may be many, concurrent and timed).
 */
#include "thread.h"

#include "annotate.h"
#include "callers.h"
#include "deadline.h"
#include "deadlock.h"
#include "event.h"
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long name_counter;

char *thrace__thread_generated_name(const char *prefix)
{
    char buf[64];
    unsigned long n = __atomic_add_fetch(&name_counter, 1, __ATOMIC_RELAXED);
    snprintf(buf, sizeof buf, "%s-%lu", prefix, n);
    return strdup(buf);
}

thrace_thread *thrace__thread_alloc(int kind, const char *name, const char *prefix, bool daemon)
{
    thrace_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->name = name && *name ? strdup(name) : thrace__thread_generated_name(prefix);
    if (!t->name) {
        free(t);
        return NULL;
    }
    t->refs = 1;
    t->kind = kind;
    t->trace_id = thrace__trace_new_tid();
    t->daemon = daemon; /* calloc left the events zeroed: unset, no object id */
    return t;
}

void thrace__thread_release_names(thrace_thread *t)
{
    free(t->name);
    while (t->retired) {
        retired_name *r = t->retired;
        t->retired = r->next;
        free(r->name);
        free(r);
    }
}

static int daemon_from_opts(const thrace_thread_opts *opts, bool *daemon)
{
    int choice = opts ? opts->daemon : THRACE_INHERIT;
    if (choice == THRACE_INHERIT) {
        thrace_thread *creator = thrace_current_thread();
        *daemon = creator && thrace_thread_is_daemon(creator);
    } else if (choice == THRACE_DAEMON || choice == THRACE_NOT_DAEMON) {
        *daemon = choice == THRACE_DAEMON;
    } else {
        return THRACE_EINVAL;
    }
    return THRACE_OK;
}

thrace_thread *thrace__thread_new_kind(int kind, void (*target)(void *), void *arg,
                                       const thrace_thread_opts *opts)
{
    bool daemon;
    if (daemon_from_opts(opts, &daemon) != THRACE_OK) {
        errno = EINVAL;
        return NULL;
    }
    thrace_thread *t = thrace__thread_alloc(kind, opts ? opts->name : NULL, "Thread", daemon);
    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    t->target = target;
    t->arg = arg;
    return t;
}

thrace_thread *thrace_thread_new(void (*target)(void *), void *arg, const thrace_thread_opts *opts)
{
    return thrace__thread_new_kind(KIND_REGULAR, target, arg, opts);
}

static void run(thrace_thread *t)
{
    if (t->kind == KIND_TIMER)
        thrace__timer_run(t);
    else if (t->target)
        t->target(t->arg);
}

static void *bootstrap(void *arg)
{
    thrace_thread *t = arg;
    thrace__thread_set_self(t);
    thrace__trace_set_tid(t->trace_id);
    __atomic_store_n(&t->ident, (unsigned long)pthread_self(), __ATOMIC_RELAXED);
    __atomic_store_n(&t->native_id, (long)gettid(), __ATOMIC_RELAXED);
    if (THRACE__ENABLED(thread_start))
        thrace__trace_announce_thread();
    thrace__event_set(&t->started);
    /* Here, not in run(), whose call of the target may be a tail call. */
    THRACE__CALLERS_FROM_HERE();
    run(t);
    thrace__local_thread_exit();
    thrace__deadlock_thread_exit();
    THRACE__TRACE(thread_exit, t->trace_id);
    thrace__registry_remove(t);
    thrace__event_set(&t->done);
    thrace__thread_set_self(NULL);
    thrace_thread_unref(t); /* the running thread's reference */
    return NULL;
}

static int spawn(thrace_thread *t)
{
    pthread_attr_t attr;
    pthread_t tid;
    if (pthread_attr_init(&attr) != 0)
        return THRACE_ENOMEM;
    /* Detached: a join waits for done, which comes just before the exit. */
    THRACE__CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    thrace__annotate_benign(&t->ident, sizeof t->ident); /* read by any thread, no lock */
    int rc = pthread_create(&tid, &attr, bootstrap, t);
    pthread_attr_destroy(&attr);
    return rc == 0 ? THRACE_OK : THRACE_ENOMEM;
}

int thrace_thread_start(thrace_thread *t)
{
    int initial = STATE_INITIAL;
    if (!__atomic_compare_exchange_n(&t->state, &initial, STATE_STARTED, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED))
        return THRACE_ESTATE;
    thrace__shutdown_arm();
    t->parent_tid = thrace__trace_tid();
    thrace_thread_ref(t);
    thrace__registry_add(t);
    if (spawn(t) != THRACE_OK) {
        thrace__registry_remove(t);
        __atomic_store_n(&t->state, STATE_INITIAL, __ATOMIC_RELEASE);
        thrace_thread_unref(t);
        return THRACE_ENOMEM;
    }
    thrace__event_wait(&t->started, THRACE_FOREVER);
    return THRACE_OK;
}

int thrace__thread_join_at(thrace_thread *t, double timeout, const thrace__site *site)
{
    if (thrace__timeout_check_wait(&timeout) != THRACE_OK)
        return THRACE_EINVAL;
    if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == STATE_INITIAL || t->kind == KIND_DUMMY ||
        t->kind == KIND_FOREIGN)
        return THRACE_ESTATE;
    if (t == thrace__thread_self())
        return THRACE_EDEADLK;
    if (!thrace_event_is_set(&t->done))
        THRACE__TRACE(join_begin, thrace__trace_tid(), t->trace_id, thrace__trace_site(site),
                      timeout);
    int rc = thrace__event_wait(&t->done, timeout);
    THRACE__TRACE(join_end, thrace__trace_tid(), t->trace_id, thrace__trace_outcome(rc));
    return rc;
}

int(thrace_thread_join)(thrace_thread *t, double timeout)
{
    return thrace__thread_join_at(t, timeout, NULL);
}

bool thrace_thread_is_alive(thrace_thread *t)
{
    return __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == STATE_STARTED &&
           !thrace_event_is_set(&t->done);
}

const char *thrace_thread_name(thrace_thread *t)
{
    return __atomic_load_n(&t->name, __ATOMIC_ACQUIRE);
}

int thrace_thread_set_name(thrace_thread *t, const char *name)
{
    if (!name)
        return THRACE_EINVAL;
    retired_name *old = malloc(sizeof *old);
    char *copy = strdup(name);
    if (!old || !copy) {
        free(old);
        free(copy);
        return THRACE_ENOMEM;
    }
    thrace__registry_lock();
    old->name = __atomic_exchange_n(&t->name, copy, __ATOMIC_ACQ_REL);
    old->next = t->retired;
    t->retired = old;
    thrace__registry_unlock();
    THRACE__TRACE(thread_rename, thrace__trace_tid(), t->trace_id, copy);
    return THRACE_OK;
}

bool thrace_thread_is_daemon(thrace_thread *t)
{
    return __atomic_load_n(&t->daemon, __ATOMIC_RELAXED) != 0;
}

int thrace_thread_set_daemon(thrace_thread *t, bool daemon)
{
    if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != STATE_INITIAL)
        return THRACE_ESTATE;
    __atomic_store_n(&t->daemon, daemon, __ATOMIC_RELAXED);
    return THRACE_OK;
}

unsigned long thrace_thread_ident(thrace_thread *t)
{
    return __atomic_load_n(&t->ident, __ATOMIC_RELAXED);
}

long thrace_thread_native_id(thrace_thread *t)
{
    return __atomic_load_n(&t->native_id, __ATOMIC_RELAXED);
}

thrace_thread *thrace_thread_ref(thrace_thread *t)
{
    if (t->kind != KIND_MAIN)
        __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
    return t;
}

void thrace_thread_unref(thrace_thread *t)
{
    if (!t || t->kind == KIND_MAIN)
        return;
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    thrace__thread_release_names(t);
    free(t);
}
