/*
 * keymap.h - a hash map from a pair of 64-bit integers to a pointer, for the
 * collector's lookups by id (a process's thread by tid, an object by serial,
 * an open interval by thread and object). Insert and look up only: nothing
 * the collector maps is ever forgotten before the whole map is.
 */
#ifndef THRACE_TRACER_STORE_KEYMAP_H
#define THRACE_TRACER_STORE_KEYMAP_H

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
