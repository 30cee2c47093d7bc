/*
 * foreign.h - libthrace's face for the pthread interposer (lib/interpose/,
 * libthrace-pthread.so): objects and threads that pthreads own, traced as
 * libthrace traces its own. A pthread mutex, rwlock, condition variable,
 * semaphore or barrier gets a record on first sight, keyed by its address:
 * a thrace__obj (id, sequence numbers, name) and what its kind needs to
 * know between calls (an owner and depth, waiters, rounds). A thread that
 * pthread_create starts gets a thread id and a name in creation order, as
 * Thread-N, from the counter libthrace's own threads share.
 *
 * The interposer calls these only when a session traces thrace's events
 * or a watch is on (thrace__foreign_watching), and never for calls made
 * by libthrace or LTTng themselves. Every function here is exported (the
 * interposer is another shared object) but is no API: thrace.h has none of
 * them. A call site is the interposed call's return address: events carry
 * it as their site, which the store resolves to a source line later.
 */
#ifndef THRACE_LIB_FOREIGN_H
#define THRACE_LIB_FOREIGN_H

#include "internal.h"

#include <time.h>

#define THRACE__FOREIGN_API __attribute__((visibility("default")))

/* A pthread object's record: the lock word of the object and its traced identity. */
typedef struct thrace__foreign thrace__foreign;

/* Whether deadlock detection or the stall watch is on: then every blocking
 * call is worth telling libthrace about, traced or not. */
THRACE__FOREIGN_API extern bool thrace__foreign_watching;

/* Nonzero while a session records thrace's events (the state of
 * libthrace's acquire_end tracepoint: every event is enabled at once). */
THRACE__FOREIGN_API extern const int *const thrace__foreign_traced;

/* ---- objects ---------------------------------------------------------- */

/*
 * The record of the object at addr (kind VOCAB_KIND_...; param as in
 * object_create: a semaphore's value, a barrier's parties), created and
 * traced (object_create, with its address) the first time; NULL when out
 * of memory, and the caller goes untraced.
 */
THRACE__FOREIGN_API thrace__foreign *thrace__foreign_of(const void *addr, int kind, int64_t param);

/* The record's object id (a condition's param names its mutex by it). */
THRACE__FOREIGN_API uint64_t thrace__foreign_id(const thrace__foreign *f);

/* The object at addr was destroyed: its address may serve another one. */
THRACE__FOREIGN_API void thrace__foreign_forget(const void *addr);

/* A blocking call under way: when it began, and where from. */
typedef struct {
    struct timespec start;
    uint64_t ip;
    uint64_t arrival; /* a barrier's: how many arrived before this one */
    bool counted;     /* by the stall watch */
} thrace__foreign_wait;

/*
 * Acquiring a mutex or an rwlock (shared: a read hold): about to block
 * (begin: acquire_begin, the wait told to deadlock detection and the stall
 * watch), then done (end: acquire_end with outcome VOCAB_OUTCOME_...; ok
 * makes the caller a holder). An acquire that did not block calls end
 * only, with w NULL.
 */
THRACE__FOREIGN_API void thrace__foreign_acquire_begin(thrace__foreign *f, bool shared,
                                                       double timeout, uint64_t ip,
                                                       thrace__foreign_wait *w);
THRACE__FOREIGN_API void thrace__foreign_acquire_end(thrace__foreign *f, bool shared, int outcome,
                                                     uint64_t ip, const thrace__foreign_wait *w);

/* Whether the calling thread holds f exclusively (an rwlock's writer). */
THRACE__FOREIGN_API bool thrace__foreign_writer(const thrace__foreign *f);

/* The caller is about to release it (release, before the real unlock). */
THRACE__FOREIGN_API void thrace__foreign_release(thrace__foreign *f, bool shared);

/* ---- condition variables, semaphores, barriers ------------------------- */

/*
 * A wait on condition variable c with mutex m held: begin (cond_wait_begin,
 * then m's release the wait makes), then end (cond_wait_end with outcome,
 * then m held again). The waker is the last notify since the wait began.
 */
THRACE__FOREIGN_API void thrace__foreign_cond_wait_begin(thrace__foreign *c, thrace__foreign *m,
                                                         double timeout, uint64_t ip,
                                                         thrace__foreign_wait *w);
THRACE__FOREIGN_API void thrace__foreign_cond_wait_end(thrace__foreign *c, thrace__foreign *m,
                                                       int outcome, const thrace__foreign_wait *w);

/* A signal (requested 1) or broadcast (-1): cond_notify with the waiters it may wake. */
THRACE__FOREIGN_API void thrace__foreign_cond_notify(thrace__foreign *c, int64_t requested);

/* A semaphore's wait that will block (begin), and its end with the value
 * left (the end alone for one that did not block, w NULL). */
THRACE__FOREIGN_API void thrace__foreign_sem_wait_begin(thrace__foreign *s, double timeout,
                                                        uint64_t ip, thrace__foreign_wait *w);
THRACE__FOREIGN_API void thrace__foreign_sem_wait_end(thrace__foreign *s, int outcome,
                                                      int64_t value, uint64_t ip,
                                                      const thrace__foreign_wait *w);

/* A post, before the real one, with the value it leaves. */
THRACE__FOREIGN_API void thrace__foreign_sem_post(thrace__foreign *s, int64_t value);

/* A barrier wait: its arrival (begin) and its passing (end, ok or an error). */
THRACE__FOREIGN_API void thrace__foreign_barrier_begin(thrace__foreign *b, uint64_t ip,
                                                       thrace__foreign_wait *w);
THRACE__FOREIGN_API void thrace__foreign_barrier_end(thrace__foreign *b, int outcome,
                                                     const thrace__foreign_wait *w);

/* ---- threads ---------------------------------------------------------- */

/* A handle for a thread the caller is about to create (its id, its name
 * Thread-N, the caller as its parent); NULL when out of memory. */
THRACE__FOREIGN_API thrace_thread *thrace__foreign_thread_new(void);

/* In the creator, once created as ident: a joinable thread is listed for
 * its join, with the reference the caller took for it (else that
 * reference is dropped). */
THRACE__FOREIGN_API void thrace__foreign_thread_started(thrace_thread *t, unsigned long ident,
                                                        bool joinable);

/* In the new thread, first thing: it becomes t (thread_start). */
THRACE__FOREIGN_API void thrace__foreign_thread_begin(thrace_thread *t, bool joinable);

/* In a thread that began so, last thing: thread_exit; it forgets its handle. */
THRACE__FOREIGN_API void thrace__foreign_thread_end(void);

/* The process ends normally (process_exit): called once, at exit. */
THRACE__FOREIGN_API void thrace__foreign_process_exit(void);

/* A new reference to the listed thread whose pthread_t is ident, or NULL. */
THRACE__FOREIGN_API thrace_thread *thrace__foreign_thread_of(unsigned long ident);

/* A join of t that will block (begin), and its end (w NULL: it did not
 * block): ok unlists t. The end drops the caller's reference to t. */
THRACE__FOREIGN_API void thrace__foreign_join_begin(thrace_thread *t, double timeout, uint64_t ip,
                                                    thrace__foreign_wait *w);
THRACE__FOREIGN_API void thrace__foreign_join_end(thrace_thread *t, int outcome,
                                                  const thrace__foreign_wait *w);

/* The thread ident was detached: it is a daemon, and no join will name it. */
THRACE__FOREIGN_API void thrace__foreign_detach(unsigned long ident);

/* The thread ident (the caller's own, or a listed one) was named (thread_rename). */
THRACE__FOREIGN_API void thrace__foreign_rename(unsigned long ident, const char *name);

#endif
