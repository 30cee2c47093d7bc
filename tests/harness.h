/*
 * harness.h - the test harness: each TEST case runs in a child process of
 * its own with a timeout, so that a crash or a hang fails that case alone.
 * Output: "ok N - name" or "not ok N - name" per case, then
 * "N passed, N failed"; the exit status is 1 when any case failed.
 *
 * Run one case with `./test_x name`; with THRACE_TEST_IN_PROCESS=1 as well,
 * that case runs in the process itself, with no fork (for tracers that must
 * see one process). THRACE_TEST_TIMEOUT (seconds, default 30) bounds each
 * case. Assertions print both values and stop the case.
 */
#ifndef THRACE_TESTS_HARNESS_H
#define THRACE_TESTS_HARNESS_H

#include "thrace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void harness_register(const char *name, void (*fn)(void), int line);
__attribute__((noreturn)) void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds on CLOCK_MONOTONIC. */
double harness_now(void);

/* Captures what is written to stderr (fd 2) between begin and end. */
void harness_capture_begin(void);
/* Returns the captured text (malloc'd) and restores stderr. */
char *harness_capture_end(void);

#define TEST(name)                                                            \
    static void name(void);                                                   \
    __attribute__((constructor)) static void register_##name(void)            \
    {                                                                         \
        harness_register(#name, name, __LINE__);                              \
    }                                                                         \
    static void name(void)

#define ASSERT_TRUE(cond)                                                     \
    do {                                                                      \
        if (!(cond))                                                          \
            harness_fail(__FILE__, __LINE__, "expected true: %s", #cond);     \
    } while (0)

#define ASSERT_FALSE(cond)                                                    \
    do {                                                                      \
        if (cond)                                                             \
            harness_fail(__FILE__, __LINE__, "expected false: %s", #cond);    \
    } while (0)

#define ASSERT_EQ(expected, actual)                                           \
    do {                                                                      \
        long long e_ = (long long)(expected), a_ = (long long)(actual);       \
        if (e_ != a_)                                                         \
            harness_fail(__FILE__, __LINE__, "%s == %s: expected %lld, got %lld", #expected, \
                         #actual, e_, a_);                                    \
    } while (0)

/* Compares thrace result codes and prints their names. */
#define ASSERT_CODE(expected, actual)                                         \
    do {                                                                      \
        int e_ = (expected), a_ = (actual);                                   \
        if (e_ != a_)                                                         \
            harness_fail(__FILE__, __LINE__, "%s: expected %s, got %s", #actual, \
                         thrace_error_name(e_), thrace_error_name(a_));       \
    } while (0)

#define ASSERT_STR_EQ(expected, actual)                                       \
    do {                                                                      \
        const char *e_ = (expected), *a_ = (actual);                          \
        if (!a_ || strcmp(e_, a_) != 0)                                       \
            harness_fail(__FILE__, __LINE__, "%s:\n  expected \"%s\"\n  got      \"%s\"", \
                         #actual, e_, a_ ? a_ : "(null)");                    \
    } while (0)

/* A duration in CPython's band: 0.6x to 10x of the expected seconds. */
#define ASSERT_DURATION(expected, actual)                                     \
    do {                                                                      \
        double e_ = (expected), a_ = (actual);                                \
        if (a_ < e_ * 0.6 || a_ > e_ * 10 + 0.05)                             \
            harness_fail(__FILE__, __LINE__, "%s: expected about %.3f s, took %.3f s", \
                         #actual, e_, a_);                                    \
    } while (0)

#endif
