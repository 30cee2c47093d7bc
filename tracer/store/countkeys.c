/*
 * countkeys.c - the records of a set of counts, by key (countkeys.h).
 */
#include "countkeys.h"

#include <stdlib.h>

void *countkeys_get(countkeys *k, uint64_t a, uint64_t b, size_t size, bool *made)
{
    void *record = keymap_get(&k->by_key, a, b);
    *made = false;
    if (record)
        return record;
    if (!grow_for(&k->records, k->n, &k->cap, sizeof *k->records, 16))
        return NULL;
    record = calloc(1, size);
    if (!record || !keymap_put(&k->by_key, a, b, record)) {
        free(record);
        return NULL;
    }
    k->records[k->n++] = record;
    *made = true;
    return record;
}

void countkeys_free(countkeys *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->records[i]);
    free(k->records);
    keymap_free(&k->by_key);
    *k = (countkeys){0};
}
