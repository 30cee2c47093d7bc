/*
 * object.c - object ids and names (see object.h). Owns the id counter.
 */
#include "object.h"

#include "trace.h"

#include <stdlib.h>
#include <string.h>

static uint64_t last_object_id;

void thrace__object_init(thrace__obj *o, int kind, int64_t param)
{
    o->_id = __atomic_add_fetch(&last_object_id, 1, __ATOMIC_RELAXED);
    o->_seq = 0;
    o->_name = NULL;
    /* No address (0): libthrace's objects keep their Lock-1 names; the interposer's
     * give theirs, which the store names by symbol. */
    THRACE__TRACE(object_create, thrace__trace_tid(), o->_id, kind, param, "", 0);
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
