/*
 * binary.h - one ELF file read with elfutils' libdwfl: a program or a
 * shared library as it lies on disk, opened once, asked about addresses in
 * its own terms (the file's virtual addresses, before any load bias): the
 * source line and function of code, the data symbol an address lies in.
 * Private to tracer/symbols/; symbols.c turns a process's addresses into
 * these.
 */
#ifndef THRACE_TRACER_SYMBOLS_BINARY_H
#define THRACE_TRACER_SYMBOLS_BINARY_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct binary binary;

/*
 * The file at path, opened into *out; when build_id is given (len > 0),
 * the file must have that build ID. *out is NULL when the file cannot
 * serve: missing, unreadable, not ELF, or another build (a binary rebuilt
 * since, or the trace of another host). False only when out of memory
 * (reason in why).
 */
bool binary_open(const char *path, const uint8_t *build_id, size_t len, binary **out, failure *why);

/* The virtual address of the file's first loadable segment: where the
 * load base (LTTng's baddr) lies in the file's own addresses. */
uint64_t binary_first_vaddr(const binary *b);

/* What the code at vaddr is: its source file and line (*file NULL, *line
 * 0, without debug information) and its function (*func NULL without a
 * symbol). False when vaddr lies in no executable section. The strings
 * are the binary's, valid until binary_close. */
bool binary_code(binary *b, uint64_t vaddr, const char **file, int *line, const char **func);

/*
 * The data symbol (an object in .symtab or .dynsym) that vaddr lies in:
 * *name (the binary's string) and the offset into it; *name NULL when
 * none. The symbols are sorted on first use: false when out of memory
 * (reason in why).
 */
bool binary_data(binary *b, uint64_t vaddr, const char **name, uint64_t *offset, failure *why);

/* Closes it (NULL is ignored). */
void binary_close(binary *b);

#endif
