/*
 * keymap.c - open addressing with linear probing over a power-of-two table
 * kept at most half full, so that a probe sequence stays short; a slot is
 * empty when its value is NULL. Nothing is ever removed, so no tombstones.
 */
#include "keymap.h"

#include <stdlib.h>

/* The murmur3 finaliser: every input bit moves every output bit. */
static uint64_t keymap_hash(uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9e3779b97f4a7c15u ^ b;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    return h ^ (h >> 33);
}

static keymap_slot *keymap_find(keymap_slot *slots, size_t mask, uint64_t a, uint64_t b)
{
    size_t i = keymap_hash(a, b) & mask;
    while (slots[i].value && (slots[i].a != a || slots[i].b != b))
        i = (i + 1) & mask;
    return &slots[i];
}

void *keymap_get(const keymap *m, uint64_t a, uint64_t b)
{
    if (!m->slots)
        return NULL;
    return keymap_find(m->slots, m->mask, a, b)->value;
}

static bool keymap_grow(keymap *m)
{
    size_t capacity = m->slots ? (m->mask + 1) * 2 : 64;
    keymap_slot *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; m->slots && i <= m->mask; i++)
        if (m->slots[i].value)
            *keymap_find(slots, capacity - 1, m->slots[i].a, m->slots[i].b) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->mask = capacity - 1;
    return true;
}

bool keymap_put(keymap *m, uint64_t a, uint64_t b, void *value)
{
    if ((!m->slots || 2 * (m->count + 1) > m->mask + 1) && !keymap_grow(m))
        return false;
    keymap_slot *slot = keymap_find(m->slots, m->mask, a, b);
    if (!slot->value)
        m->count++;
    *slot = (keymap_slot){a, b, value};
    return true;
}

void keymap_free(keymap *m)
{
    free(m->slots);
    *m = (keymap){0};
}
