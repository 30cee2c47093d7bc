/*
 * objkind.h - an object's kind (objects.kind), for the lanes whose answer
 * depends on it (semvalue.c, marks.c).
 */
#ifndef THRACE_VIEWER_OBJKIND_H
#define THRACE_VIEWER_OBJKIND_H

#include <sqlite3.h>
#include <stdint.h>

/* The index in kinds (n names) of object's kind: -1 when it is none of
 * them (or there is no such object), -2 on a database error. */
int objkind_find(sqlite3 *db, int64_t object, const char *const *kinds, int n);

#endif
