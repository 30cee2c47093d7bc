/*
 * registry.c - the live threads: Python's _active map as one list, in start
 * order, main thread first. Owns the registry lock (a pthread mutex: this is
 * bookkeeping, not a user-visible primitive), the main thread's handle,
 * the calling thread's handle pointer, and the Dummy-N entries of threads
 * thrace did not start, which leave the list when their thread ends.
 *
 * After a fork, as in Python, the child's list holds only the forking thread,
 * which becomes its main thread; the others are finished there.
 */
#include "thread.h"

#include "deadlock.h"
#include "event.h"
#include "stall.h"
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static thrace_thread main_thread;
static thrace_thread *main_handle = &main_thread;           /* the forking thread, after a fork */
static thrace_thread live = {.prev = &live, .next = &live}; /* list head */
static size_t live_count;
static THRACE__TLS thrace_thread *self;
static pthread_key_t dummy_key;

void thrace__registry_lock(void)
{
    THRACE__CHECK(pthread_mutex_lock(&registry_mutex));
}

void thrace__registry_unlock(void)
{
    THRACE__CHECK(pthread_mutex_unlock(&registry_mutex));
}

void thrace__registry_add(thrace_thread *t)
{
    thrace__registry_lock();
    t->prev = live.prev;
    t->next = &live;
    live.prev->next = t;
    live.prev = t;
    live_count++;
    thrace__registry_unlock();
    thrace__stall_thread(t, true);
}

void thrace__registry_remove(thrace_thread *t)
{
    thrace__registry_lock();
    t->prev->next = t->next;
    t->next->prev = t->prev;
    t->prev = t->next = NULL;
    live_count--;
    thrace__registry_unlock();
    thrace__stall_thread(t, false);
}

thrace_thread *thrace__registry_next_to_join(const thrace_thread *except)
{
    thrace_thread *found = NULL;
    thrace__registry_lock();
    for (thrace_thread *t = live.next; t != &live && !found; t = t->next) {
        bool joinable = t->kind == KIND_REGULAR || t->kind == KIND_TIMER;
        if (joinable && t != except && !thrace_thread_is_daemon(t))
            found = thrace_thread_ref(t);
    }
    thrace__registry_unlock();
    return found;
}

size_t thrace_enumerate(thrace_thread **out, size_t cap)
{
    size_t i = 0;
    thrace__registry_lock();
    for (thrace_thread *t = live.next; t != &live && i < cap; t = t->next)
        out[i++] = thrace_thread_ref(t);
    size_t count = live_count;
    thrace__registry_unlock();
    return count;
}

size_t thrace_active_count(void)
{
    thrace__registry_lock();
    size_t count = live_count;
    thrace__registry_unlock();
    return count;
}

thrace_thread *thrace__thread_self(void)
{
    return self;
}

void thrace__thread_set_self(thrace_thread *t)
{
    self = t;
}

thrace_thread *thrace__thread_main(void)
{
    return main_handle;
}

thrace_thread *thrace_main_thread(void)
{
    return main_handle;
}

/* A Dummy-N thread ends: it leaves the list and its handle is freed. */
static void dummy_exit(void *arg)
{
    thrace_thread *t = arg;
    thrace__deadlock_thread_exit();
    THRACE__TRACE(thread_exit, t->trace_id);
    thrace__registry_remove(t);
    thrace__event_set(&t->done);
    self = NULL;
    thrace_thread_unref(t);
}

static thrace_thread *dummy_new(void)
{
    thrace_thread *t = thrace__thread_alloc(KIND_DUMMY, NULL, "Dummy", true);
    if (!t)
        return NULL;
    t->state = STATE_STARTED;
    t->trace_id = thrace__trace_tid(); /* keep the id its events already carry */
    t->ident = (unsigned long)pthread_self();
    t->native_id = (long)gettid();
    if (pthread_setspecific(dummy_key, t) != 0) {
        thrace_thread_unref(t);
        return NULL;
    }
    thrace__registry_add(t);
    return t;
}

thrace_thread *thrace_current_thread(void)
{
    if (THRACE__LIKELY(self != NULL))
        return self;
    self = dummy_new();
    if (self)
        thrace__trace_set_tid(self->trace_id); /* announced again, as Dummy-N */
    return self;
}

/* In the child of a fork: only the calling thread is left; it is the main one. */
static void keep_only_self_in_child(void)
{
    thrace_thread *survivor = self ? self : &main_thread;
    thrace_thread *t = live.next;
    while (t != &live) {
        thrace_thread *next = t->next;
        if (t != survivor) {
            t->prev->next = t->next;
            t->next->prev = t->prev;
            t->prev = t->next = NULL;
            /* No thread is left to wait on it: set the flag without the lock. */
            __atomic_store_n(&t->done._flag, 1, __ATOMIC_RELEASE);
            thrace_thread_unref(t); /* the reference its vanished thread held */
        }
        t = next;
    }
    live_count = 1;
    __atomic_store_n(&survivor->ident, (unsigned long)pthread_self(), __ATOMIC_RELAXED);
    __atomic_store_n(&survivor->native_id, (long)gettid(), __ATOMIC_RELAXED);
    main_handle = survivor;
    self = survivor;
    thrace__trace_forked();
    thrace__registry_unlock();
}

__attribute__((constructor)) static void registry_init(void)
{
    main_thread.name = strdup("MainThread");
    if (!main_thread.name)
        thrace__die("registering the main thread", ENOMEM);
    main_thread.kind = KIND_MAIN;
    main_thread.trace_id = 1;
    thrace__trace_set_tid(1);
    main_thread.state = STATE_STARTED;
    main_thread.ident = (unsigned long)pthread_self();
    main_thread.native_id = (long)gettid();
    THRACE__CHECK(pthread_key_create(&dummy_key, dummy_exit));
    thrace__registry_add(&main_thread);
    self = &main_thread;
    THRACE__CHECK(
        pthread_atfork(thrace__registry_lock, thrace__registry_unlock, keep_only_self_in_child));
}
