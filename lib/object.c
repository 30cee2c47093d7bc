/*
 * object.c - object ids and names (see object.h). Owns the id counter. An
 * object's creation tells its value's address (var), so that the store can
 * show the variable beside the object's name (Lock-1 is cache_lock); the
 * name stays Lock-1, and addr, which names the interposer's objects, is 0.
 * It tells too where its init was called (made), for an object on the heap
 * or a stack, which no variable tells.
 */
#include "object.h"

#include "trace.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static uint64_t last_object_id;

void thrace__object_init(thrace__obj *o, int kind, int64_t param, uint64_t made)
{
    o->_id = __atomic_add_fetch(&last_object_id, 1, __ATOMIC_RELAXED);
    o->_seq = 0;
    o->_name = NULL;
    THRACE__TRACE(object_create, thrace__trace_tid(), o->_id, kind, param, "", 0,
                  thrace__object_var(o, kind), made);
}

/* Where each kind's value keeps its _obj (never first); 0: no value type of libthrace. */
static const size_t object_offsets[VOCAB_KIND_END] = {
    [VOCAB_KIND_lock] = offsetof(thrace_lock, _obj),
    [VOCAB_KIND_rlock] = offsetof(thrace_rlock, _obj),
    [VOCAB_KIND_condition] = offsetof(thrace_cond, _obj),
    [VOCAB_KIND_semaphore] = offsetof(thrace_sem, _obj),
    [VOCAB_KIND_bounded_semaphore] = offsetof(thrace_sem, _obj),
    [VOCAB_KIND_event] = offsetof(thrace_event, _obj),
    [VOCAB_KIND_barrier] = offsetof(thrace_barrier, _obj),
};

uint64_t thrace__object_var(const thrace__obj *o, int kind)
{
    if (kind <= 0 || kind >= VOCAB_KIND_END || !object_offsets[kind])
        return 0;
    return (uint64_t)(uintptr_t)o - object_offsets[kind];
}

uint64_t thrace__object_id(thrace__obj *o)
{
    uint64_t id = __atomic_load_n(&o->_id, __ATOMIC_RELAXED);
    if (THRACE__LIKELY(id != 0))
        return id;
    uint64_t fresh = __atomic_add_fetch(&last_object_id, 1, __ATOMIC_RELAXED);
    /* Two first uses may race: the first id stored wins, the other is skipped. */
    if (__atomic_compare_exchange_n(&o->_id, &id, fresh, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        return fresh;
    return id;
}

int thrace__object_set_name(thrace__obj *o, int kind, const char *name)
{
    if (!name)
        return THRACE_EINVAL;
    char *copy = strdup(name);
    if (!copy)
        return THRACE_ENOMEM;
    uint64_t id = thrace__object_id(o);
    free(__atomic_exchange_n(&o->_name, copy, __ATOMIC_ACQ_REL));
    THRACE__TRACE(object_name, thrace__trace_tid(), id, kind, name);
    return THRACE_OK;
}

void thrace__object_destroy(thrace__obj *o)
{
    free(o->_name);
    o->_name = NULL;
}
