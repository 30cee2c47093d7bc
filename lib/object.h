/*
 * object.h - identity and names of value-type objects, as traces show them:
 * a process-wide serial id, given at init or, for statically initialised
 * objects, on first use, and an optional name ("Lock-1" style by default).
 */
#ifndef THRACE_LIB_OBJECT_H
#define THRACE_LIB_OBJECT_H

#include "internal.h"

/*
 * Where the caller of a public init called it: its return address, which
 * object_create tells as made (the store resolves it to file:line in
 * func()). Only in the exported init itself: libthrace's own code calls
 * the internal *_init_at with the address its own caller gave.
 */
#define THRACE__MADE_HERE() ((uint64_t)(uintptr_t)__builtin_return_address(0))

/*
 * Gives the object its id now, so that ids follow creation order, and
 * traces its creation (kind and param as in the object_create event; made,
 * where it was made: THRACE__MADE_HERE's, 0 when unknown).
 */
void thrace__object_init(thrace__obj *o, int kind, int64_t param, uint64_t made);

/* The address of the value o is the _obj of (object_create's var, for the
 * variable's data symbol); 0 for a kind no value type has. */
uint64_t thrace__object_var(const thrace__obj *o, int kind);

/* The object's id, given now if it has none yet. */
uint64_t thrace__object_id(thrace__obj *o);

/*
 * Replaces the name with a copy of name. THRACE_EINVAL for NULL,
 * THRACE_ENOMEM. Name objects before other threads use them.
 */
int thrace__object_set_name(thrace__obj *o, int kind, const char *name);

/* Frees the name. */
void thrace__object_destroy(thrace__obj *o);

#endif
