/*
 * thread.h - the thread handle shared by thread.c (life cycle), registry.c
 * (the live threads, current, main and dummy threads), shutdown.c (joining
 * at exit) and timer.c.
 *
 * A handle is reference-counted: the creator's reference, one held by the
 * running thread from start until it ends, and the enumerate callers'. The
 * main thread's handle is static and never freed. Fields written after
 * start (name, ident, native_id, daemon, state) are read with atomics; the
 * list links and the retired names are guarded by the registry lock.
 */
#ifndef THRACE_LIB_THREAD_H
#define THRACE_LIB_THREAD_H

#include "internal.h"

/* KIND_FOREIGN: a thread pthread_create started, seen by the interposer (foreign.h). */
enum thread_kind { KIND_REGULAR, KIND_TIMER, KIND_MAIN, KIND_DUMMY, KIND_FOREIGN };
enum thread_state { STATE_INITIAL, STATE_STARTED };

typedef struct retired_name {
    struct retired_name *next;
    char *name;
} retired_name;

struct thrace_thread {
    unsigned long refs;
    char *name;
    retired_name *retired; /* earlier names, kept for thrace_thread_name */
    int daemon;
    int state;
    int kind;
    unsigned long ident;
    long native_id;
    uint64_t trace_id;   /* the thread's id in traces */
    uint64_t parent_tid; /* trace id of the thread that started it */
    void (*target)(void *);
    void *arg;
    thrace_event started;       /* set by the new thread once it has its ident */
    thrace_event done;          /* set once the target returned and it left the list */
    double interval;            /* Timer: seconds before firing */
    thrace_event finished;      /* Timer: set by cancel or after firing */
    thrace_thread *prev, *next; /* the registry's list */
    bool stall_watched;         /* counted by the stall watchdog (stall.c), under its mutex */
};

/* A new handle with a copy of name, or "<prefix>-N" when name is NULL/"". */
thrace_thread *thrace__thread_alloc(int kind, const char *name, const char *prefix, bool daemon);
/* The next "<prefix>-N" from the counter shared by Thread, Timer and Dummy. */
char *thrace__thread_generated_name(const char *prefix);
/* Thread(...) of the given kind; NULL with errno EINVAL or ENOMEM. */
thrace_thread *thrace__thread_new_kind(int kind, void (*target)(void *), void *arg,
                                       const thrace_thread_opts *opts);
/* Frees what a handle owns but the struct itself. */
void thrace__thread_release_names(thrace_thread *t);

/* The live list: add (start), remove (end). */
void thrace__registry_add(thrace_thread *t);
void thrace__registry_remove(thrace_thread *t);
/* A new reference to a live non-daemon thread other than self, or NULL. */
thrace_thread *thrace__registry_next_to_join(const thrace_thread *self);
/* Guards names and the list. */
void thrace__registry_lock(void);
void thrace__registry_unlock(void);

/* The calling thread's handle, NULL for a thread thrace does not know yet. */
thrace_thread *thrace__thread_self(void);
void thrace__thread_set_self(thrace_thread *t);
/* The main thread's handle. */
thrace_thread *thrace__thread_main(void);

/* Arms the exit-time join, once (shutdown.c). */
void thrace__shutdown_arm(void);

/* Timer's run(): wait, then call unless cancelled (timer.c). */
void thrace__timer_run(thrace_thread *t);

/* Destroys the calling thread's local data (local.c). */
void thrace__local_thread_exit(void);

#endif
