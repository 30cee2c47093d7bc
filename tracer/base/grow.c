/*
 * grow.c - arrays grown by doubling (grow.h). No state.
 */
#include "grow.h"

#include <stdlib.h>
#include <string.h>

bool grow_for(void *array, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return true;
    size_t more = *cap ? *cap * 2 : first;
    void *items;
    memcpy(&items, array, sizeof items);
    void *grown = realloc(items, more * size);
    if (!grown)
        return false;
    memcpy(array, &grown, sizeof grown);
    *cap = more;
    return true;
}
