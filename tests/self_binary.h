/*
 * self_binary.h - the test program's own executable as LTTng-UST's
 * statedump tells a binary (lttng_ust_statedump:bin_info and build_id):
 * its path, its load base (the address of its first loadable segment),
 * the bytes its loadable segments span, and its build ID. For the tests
 * of names read from binaries (tests/symbols/, tests/collector/), which
 * resolve their own code and data addresses. dl_iterate_phdr needs
 * _GNU_SOURCE, defined before any include.
 */
#ifndef THRACE_TESTS_SELF_BINARY_H
#define THRACE_TESTS_SELF_BINARY_H

#include <elf.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char path[PATH_MAX];
    uint64_t base, size;
    uint8_t build_id[64];
    size_t build_id_len;
} self_binary;

/* The build ID in the note segment at notes (size bytes), into self. */
static inline void self_binary_notes(self_binary *self, const char *notes, size_t size)
{
    for (size_t at = 0; at + sizeof(ElfW(Nhdr)) <= size;) {
        const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)(const void *)(notes + at);
        const char *name = notes + at + sizeof *note;
        const uint8_t *desc = (const uint8_t *)name + ((note->n_namesz + 3) & ~3u);
        if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
            note->n_descsz <= sizeof self->build_id) {
            memcpy(self->build_id, desc, note->n_descsz);
            self->build_id_len = note->n_descsz;
        }
        at += sizeof *note + ((note->n_namesz + 3) & ~3u) + ((note->n_descsz + 3) & ~3u);
    }
}

/* dl_iterate_phdr's first object is the executable: its segments, then stop. */
static inline int self_binary_phdrs(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    self_binary *self = data;
    bool first = true;
    uint64_t end = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_NOTE)
            self_binary_notes(self, (const char *)(info->dlpi_addr + ph->p_vaddr), ph->p_memsz);
        if (ph->p_type != PT_LOAD)
            continue;
        if (first)
            self->base = info->dlpi_addr + ph->p_vaddr;
        first = false;
        if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > end)
            end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    }
    self->size = end - self->base;
    return 1;
}

/* The running executable, as the statedump would tell it; false when
 * /proc/self/exe cannot be read. */
static inline bool self_binary_get(self_binary *self)
{
    memset(self, 0, sizeof *self);
    ssize_t n = readlink("/proc/self/exe", self->path, sizeof self->path - 1);
    if (n <= 0)
        return false;
    self->path[n] = '\0';
    dl_iterate_phdr(self_binary_phdrs, self);
    return self->size > 0;
}

#endif
