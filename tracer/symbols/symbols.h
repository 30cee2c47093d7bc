/*
 * symbols.h - the public face of tracer/symbols/: names for the addresses
 * of a traced program, read from the binaries it had loaded, as the files
 * lie on disk when the trace is stored (the program may have exited long
 * before). A code address (a call's return address) becomes `file:line
 * in function()` from the binary's debug information, or the function
 * alone, or `binary+0xOFFSET`; a data address (a static or global pthread
 * object) becomes the symbol it lies in, `alpha_lock` or `table+16`, as
 * helgrind names them. Names are as the source spells them: C++'s
 * demangled, without `(anonymous namespace)::` (`db_mutex`,
 * `std::thread::join()`). A call inlined from a system header (libstdc++'s
 * std::mutex::lock() at -O2) is told where the program's own code makes
 * it.
 *
 * One `symbols` per trace: it learns each process's binaries (LTTng-UST's
 * statedump: where each was loaded, from which path, with which build ID)
 * and opens each file once for the whole trace, however many processes
 * loaded it. A file that is missing, another build than the one traced
 * (its build ID differs: rebuilt since, or the trace of another host), or
 * stripped only answers with less: nothing here fails for it.
 */
#ifndef THRACE_TRACER_SYMBOLS_SYMBOLS_H
#define THRACE_TRACER_SYMBOLS_SYMBOLS_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct symbols symbols;

/*
 * Where a call was made: of the calls inlined at the address, the
 * innermost outside the system headers (/usr/include/, /usr/local/include/,
 * /usr/lib/); when all are inside, the function the code lies in.
 */
typedef struct symbols_site {
    const char *file; /* the source file; "binary+0xOFFSET" when line is 0; NULL: not code */
    int line;         /* 0 without debug information */
    /* The function, "" when nothing names it: a C function's bare name (`mover`); a C++
     * function's with its parameter list, demangled (`std::thread::join()`), or `()` where
     * only DWARF names it (`deadlock()::{lambda}::operator()()`: static, anonymous
     * namespace's and lambdas' functions inlined, to which GCC gives no linkage name). */
    const char *func;
    /* When func was inlined into another function: where that one called
     * it, then where the one it was inlined into called that one, and so on
     * out to the function the code lies in, ninlined of them (none of them
     * has any); NULL and 0 when func is that function. */
    const struct symbols_site *inlined_by;
    size_t ninlined;
} symbols_site;

/* An empty one; NULL when out of memory. */
symbols *symbols_new(void);

/* Process pid has the binary at path loaded at base (the address of its
 * first loadable segment), size bytes. False when out of memory (reason
 * in why). */
bool symbols_add(symbols *s, int64_t pid, uint64_t base, uint64_t size, const char *path,
                 failure *why);

/* The binary pid has loaded at base has this build ID (len bytes): only a
 * file with the same one will answer for it. Ignored for a binary not
 * added, or already asked about. False when out of memory (reason in why). */
bool symbols_build_id(symbols *s, int64_t pid, uint64_t base, const uint8_t *id, size_t len,
                      failure *why);

/* Where the call that returns to ip in process pid was made (the line of
 * the call, ip - 1's; symbols_site says which frame). out->file is NULL
 * when ip lies in none of pid's binaries, or outside their code. The
 * strings are s's, valid until symbols_free. False when out of memory
 * (reason in why). */
bool symbols_code(symbols *s, int64_t pid, uint64_t ip, symbols_site *out, failure *why);

/* The data symbol that addr lies in, in process pid: "name", or
 * "name+OFFSET" (decimal) inside it, demangled ("db_mutex",
 * "app::cache::table+16"); *name NULL when no symbol holds it
 * (the heap, a stack, a stripped binary's own objects). The string is
 * s's, valid until symbols_free. False when out of memory (reason in why). */
bool symbols_data(symbols *s, int64_t pid, uint64_t addr, const char **name, failure *why);

/* A data symbol (symbols_data's) as the variable's source spells it: GCC
 * names a function's static local `lock.7`, numbered per translation unit
 * (the number changes with the code around it), and the source `lock`
 * ("lock.7+16" is "lock+16"); other names as they are. A copy to free;
 * NULL when out of memory. */
char *symbols_source_name(const char *symbol);

/* Frees it and closes its files (NULL is ignored). */
void symbols_free(symbols *s);

#endif
