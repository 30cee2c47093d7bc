/*
 * foreign_thread.c - threads that pthread_create starts, as traces show
 * them (foreign.h). Each gets a thread handle of kind KIND_FOREIGN, made
 * by its creator (so that its id and name follow creation order and the
 * creator's join can name it): named Thread-N from a counter of its own,
 * so that libthrace's own threads are named as they are untraced; no
 * daemon, until detached; in no registry list (enumerate, active_count and
 * the exit-time join do not see it). The thread takes it as its own when
 * it begins, so that thrace_current_thread and every event it emits name
 * it, and the stall watch counts it while it lives.
 *
 * The joinable threads' handles are kept in a list, guarded by a spin
 * lock, until joined or detached: a join finds the thread it waits for by
 * its pthread_t there. The creator lists it, as soon as pthread_create
 * returns: a join that follows finds it even if the thread has not run yet.
 */
#include "foreign.h"

#include "deadlock.h"
#include "stall.h"
#include "thread.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct joinable {
    struct joinable *next;
    thrace_thread *t;
} joinable;

static unsigned long foreign_counter;
static joinable *joinables;
static unsigned joinables_lock;

static void joinables_enter(void)
{
    while (__atomic_exchange_n(&joinables_lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void joinables_leave(void)
{
    __atomic_store_n(&joinables_lock, 0, __ATOMIC_RELEASE);
}

thrace_thread *thrace__foreign_thread_new(void)
{
    char name[32];
    snprintf(name, sizeof name, "Thread-%lu",
             __atomic_add_fetch(&foreign_counter, 1, __ATOMIC_RELAXED));
    thrace_thread *t = thrace__thread_alloc(KIND_FOREIGN, name, NULL, false);
    if (t)
        t->parent_tid = thrace__trace_tid();
    return t;
}

void thrace__foreign_thread_started(thrace_thread *t, unsigned long ident, bool joinable_thread)
{
    __atomic_store_n(&t->ident, ident, __ATOMIC_RELAXED);
    joinable *j = joinable_thread ? malloc(sizeof *j) : NULL;
    if (!j) {
        thrace_thread_unref(t); /* a join will not name it: its events still do */
        return;
    }
    *j = (joinable){NULL, t};
    joinables_enter();
    j->next = joinables;
    joinables = j;
    joinables_leave();
}

void thrace__foreign_thread_begin(thrace_thread *t, bool joinable_thread)
{
    __atomic_store_n(&t->ident, (unsigned long)pthread_self(), __ATOMIC_RELAXED);
    __atomic_store_n(&t->native_id, (long)gettid(), __ATOMIC_RELAXED);
    __atomic_store_n(&t->state, STATE_STARTED, __ATOMIC_RELEASE);
    __atomic_store_n(&t->daemon, !joinable_thread, __ATOMIC_RELAXED);
    thrace__thread_set_self(t);
    thrace__trace_set_tid(t->trace_id);
    thrace__stall_thread(t, true);
    if (THRACE__ENABLED(thread_start))
        thrace__trace_announce_thread();
}

void thrace__foreign_thread_end(void)
{
    thrace_thread *t = thrace__thread_self();
    if (!t || t->kind != KIND_FOREIGN)
        return;
    thrace__deadlock_thread_exit();
    THRACE__TRACE(thread_exit, t->trace_id);
    thrace__stall_thread(t, false);
    thrace__thread_set_self(NULL);
    thrace_thread_unref(t);
}

void thrace__foreign_process_exit(void)
{
    /* Told by a process that used pthreads through the interposer: not by a
     * program of libthrace's alone (its exit waits for its threads, as
     * Python's), nor by one that traced nothing (a shell system() ran). */
    if (__atomic_load_n(&foreign_counter, __ATOMIC_RELAXED) || thrace__foreign_any())
        THRACE__TRACE(process_exit, thrace__trace_tid());
}

/* The list's entry of the joinable thread `ident`, or NULL. List locked. */
static joinable **joinables_find(unsigned long ident)
{
    for (joinable **j = &joinables; *j; j = &(*j)->next)
        if (__atomic_load_n(&(*j)->t->ident, __ATOMIC_RELAXED) == ident)
            return j;
    return NULL;
}

/* Takes the thread `ident` out of the list (joined or detached); its
 * handle, with the list's reference, or NULL. */
static thrace_thread *joinables_take(unsigned long ident)
{
    joinables_enter();
    joinable **j = joinables_find(ident), *gone = j ? *j : NULL;
    if (gone)
        *j = gone->next;
    joinables_leave();
    thrace_thread *t = gone ? gone->t : NULL;
    free(gone);
    return t;
}

thrace_thread *thrace__foreign_thread_of(unsigned long ident)
{
    joinables_enter();
    joinable **j = joinables_find(ident);
    thrace_thread *t = j ? thrace_thread_ref((*j)->t) : NULL;
    joinables_leave();
    return t;
}

void thrace__foreign_join_begin(thrace_thread *t, double timeout, uint64_t ip,
                                thrace__foreign_wait *w)
{
    THRACE__TRACE(join_begin, thrace__trace_tid(), t->trace_id, ip, timeout);
    w->counted = thrace__stall_blocked();
}

void thrace__foreign_join_end(thrace_thread *t, int outcome, const thrace__foreign_wait *w)
{
    if (w)
        thrace__stall_unblocked(w->counted);
    THRACE__TRACE(join_end, thrace__trace_tid(), t->trace_id, outcome);
    if (outcome == VOCAB_OUTCOME_ok) {
        thrace_thread *listed = joinables_take(__atomic_load_n(&t->ident, __ATOMIC_RELAXED));
        if (listed)
            thrace_thread_unref(listed);
    }
    thrace_thread_unref(t);
}

void thrace__foreign_detach(unsigned long ident)
{
    thrace_thread *t = joinables_take(ident);
    if (!t)
        return;
    __atomic_store_n(&t->daemon, 1, __ATOMIC_RELAXED);
    thrace_thread_unref(t);
}

void thrace__foreign_rename(unsigned long ident, const char *name)
{
    thrace_thread *self = thrace__thread_self();
    thrace_thread *t = self && __atomic_load_n(&self->ident, __ATOMIC_RELAXED) == ident
                           ? thrace_thread_ref(self)
                           : thrace__foreign_thread_of(ident);
    if (!t)
        return;
    thrace_thread_set_name(t, name);
    thrace_thread_unref(t);
}
