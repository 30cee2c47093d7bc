/*
 * system_header.h - code that test_symbols.c calls as though it came from
 * a system header, the way a C++ program's std::mutex::lock() comes from
 * libstdc++'s std_mutex.h and gthr-default.h: the #line below files it
 * under /usr/include/ in the debug information. Inlined always (even at
 * -O0), as those are at -O2, and once out of line, as they are at -O0.
 * Each reports the line of its call to symbols_here (which the includer
 * defines first) into *line.
 */
#ifndef THRACE_TESTS_SYMBOLS_SYSTEM_HEADER_H
#define THRACE_TESTS_SYMBOLS_SYSTEM_HEADER_H

#include <stdint.h>

#line 1 "/usr/include/thrace-test/system_header.h"
static inline __attribute__((always_inline)) uint64_t system_inner(int *line)
{
    return (*line = __LINE__, symbols_here());
}

static inline __attribute__((always_inline)) uint64_t system_outer(int *line)
{
    return system_inner(line);
}

static __attribute__((noinline)) uint64_t system_out_of_line(int *line)
{
    int inner;
    uint64_t ip = (*line = __LINE__, system_inner(&inner));
    __asm__ volatile("" ::: "memory"); /* no tail call */
    return ip;
}

#endif
