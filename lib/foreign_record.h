/*
 * foreign_record.h - the record libthrace keeps of a pthread object
 * (foreign.h), shared by foreign.c (the records, mutexes and rwlocks) and
 * foreign_sync.c (condition variables, semaphores, barriers). Each field
 * past the identity is written under the object it describes, by the
 * threads that hold it or wait on it, or atomically.
 */
#ifndef THRACE_LIB_FOREIGN_RECORD_H
#define THRACE_LIB_FOREIGN_RECORD_H

#include "foreign.h"

struct thrace__foreign {
    const void *addr; /* the object's, NULL for a free record */
    thrace__foreign *next;
    thrace__obj obj;
    int kind;
    int64_t param;         /* as object_create said: a barrier's parties */
    uint64_t owner;        /* a mutex: the holding thread's id, 0 when free */
    unsigned long depth;   /* a recursive mutex: its owner's holds */
    unsigned long readers; /* an rwlock: its read holds */
    unsigned long waiters; /* a condition variable: the threads waiting */
    uint64_t last_notify;  /* a condition variable: the seq of its last notify */
    uint64_t arrivals;     /* a barrier: every arrival since it was made */
};

#endif
