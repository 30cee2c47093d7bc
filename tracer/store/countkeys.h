/*
 * countkeys.h - the records a set of the timeline's counts keeps, one per
 * key (a lane, an object, a thread): made zeroed on first use, found by
 * key after, and listed in the order made, for the flushes that write
 * them all. lanecounts.c, markcounts.c and logcounts.c each keep one.
 */
#ifndef THRACE_TRACER_STORE_COUNTKEYS_H
#define THRACE_TRACER_STORE_COUNTKEYS_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A zeroed countkeys is an empty one. */
typedef struct {
    keymap by_key;
    void **records; /* every record, in the order made */
    size_t n, cap;
} countkeys;

/* The record of key (a, b), of `size` bytes: made zeroed when there was
 * none (*made then true). NULL when out of memory. */
void *countkeys_get(countkeys *k, uint64_t a, uint64_t b, size_t size, bool *made);

/* Frees every record and the map: k is empty again. */
void countkeys_free(countkeys *k);

#endif
