/*
 * grow.h - room for one more item in a growing array, the one way the
 * tracer grows its arrays: the capacity doubles (from a first size), so
 * that pushing n items costs O(n) in all.
 */
#ifndef THRACE_TRACER_BASE_GROW_H
#define THRACE_TRACER_BASE_GROW_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Makes room for item n of the array at *array (holding *cap items of
 * size bytes): when n == *cap, reallocates it to twice *cap items, or to
 * first when *cap is 0. array is the address of the array's pointer (a
 * `T **`). False when out of memory, with *array and *cap unchanged.
 */
bool grow_for(void *array, size_t n, size_t *cap, size_t size, size_t first);

#endif
