/*
 * keymap.h - a hash map from a pair of 64-bit integers to a pointer, for
 * lookups by id: the store's threads by tid, objects by serial and open
 * intervals by thread and object, the catalog's rows by id, the decoder's
 * event classes, lock-order edges, the live daemon's stream positions.
 * Insert and look up only: nothing mapped is ever forgotten before the
 * whole map is.
 */
#ifndef THRACE_TRACER_BASE_KEYMAP_H
#define THRACE_TRACER_BASE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t a, b;
    void *value; /* NULL: an empty slot */
} keymap_slot;

/* A zeroed keymap is an empty one. */
typedef struct {
    keymap_slot *slots;
    size_t mask; /* capacity - 1; the capacity is a power of two */
    size_t count;
} keymap;

/* The value stored under (a, b), or NULL. */
void *keymap_get(const keymap *m, uint64_t a, uint64_t b);

/* Stores value (not NULL) under (a, b), replacing any; false when out of memory. */
bool keymap_put(keymap *m, uint64_t a, uint64_t b, void *value);

/* Frees the table (not the values); the map is empty again. */
void keymap_free(keymap *m);

#endif
