/*
 * frame.h - the source frame a return address stands for: the file, line
 * and function its programmer wrote, out of the system headers that code
 * may be inlined from. Private to tracer/symbols/; binary.c asks it.
 */
#ifndef THRACE_TRACER_SYMBOLS_FRAME_H
#define THRACE_TRACER_SYMBOLS_FRAME_H

#include "base.h"

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdint.h>

/* How many functions a frame's function may have been inlined into, told. */
enum { FRAME_INLINED_MAX = 8 };

/* Where a call was made, in a function. */
typedef struct {
    const char *file; /* the source file (libdw's string); NULL without debug information */
    int line;         /* 0 without debug information */
    char *func;       /* malloc'd: the function, mangled when its symbol is; NULL when unnamed */
} frame_call;

/* Where a call was made, and the calls that inlined the function making it. */
typedef struct {
    frame_call at;
    /* Where the function of `at` was called in the function it was inlined
     * into, then where that one was, and so on out to the function the code
     * lies in: none when `at`'s function is that one. */
    frame_call inlined_by[FRAME_INLINED_MAX];
    int ninlined;
} frame_site;

/* Frees what out holds (its functions' names). */
void frame_site_free(frame_site *out);

/*
 * The frame of the code at vaddr (mod's own address, bias 0): of the chain
 * of calls inlined there (the line table's line in the innermost function,
 * then each inlined call's DW_AT_call_file and DW_AT_call_line in the
 * function it was inlined into), the innermost frame whose file is not a
 * system header (frame_system_header); when every one is, the outermost,
 * the function the code lies in. Its function is named by its symbol when
 * it is the outermost (as the symbol table spells it, mangled for C++),
 * else by DWARF: the linkage name (mangled), or, without one (GCC gives
 * none to static functions, the anonymous namespace's, lambdas), the name
 * qualified by its enclosing namespaces, classes and functions, and `()`
 * in C++ (`deadlock()::{lambda}::operator()()`). The functions it was
 * inlined into follow, each with the line that called the one before.
 * Without debug information, no file and the symbol. False when out of
 * memory (reason in why); *out holds nothing to free then.
 */
bool frame_at(Dwfl_Module *mod, uint64_t vaddr, frame_site *out, failure *why);

/*
 * Whether path is a system header: under /usr/include/ (the C library's,
 * libstdc++'s and every -dev package's headers), /usr/local/include/ (what
 * the compiler searches next) or /usr/lib/ (gcc's and clang's own:
 * /usr/lib/gcc/TRIPLE/N/include/, /usr/lib/llvm-N/...). Where a program's
 * own sources lie never starts so; /usr/src/ may, and is not one.
 */
bool frame_system_header(const char *path);

#endif
