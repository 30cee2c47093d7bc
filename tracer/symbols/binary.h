/*
 * binary.h - one ELF file read with elfutils' libdwfl: a program or a
 * shared library as it lies on disk, opened once, asked about addresses in
 * its own terms (the file's virtual addresses, before any load bias): the
 * source line and function of code, the data symbol an address lies in.
 * Names are the binary's own, mangled for C++; symbols.c demangles them.
 * Private to tracer/symbols/; symbols.c turns a process's addresses into
 * these.
 */
#ifndef THRACE_TRACER_SYMBOLS_BINARY_H
#define THRACE_TRACER_SYMBOLS_BINARY_H

#include "base.h"
#include "frame.h"

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

/*
 * What the code at vaddr is, as its programmer wrote it (frame.h): the
 * file, line and function of the first frame outside the system headers
 * that code may be inlined from; out->func is the caller's to free. A
 * name is as the binary spells it (mangled for C++). *is_code false, and
 * *out empty, when vaddr lies in no executable section. False when out of
 * memory (reason in why).
 */
bool binary_code(binary *b, uint64_t vaddr, bool *is_code, frame_site *out, failure *why);

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
