/*
 * harness.h - the test harness: each TEST case runs in a child process of
 * its own with a timeout, so that a crash or a hang fails that case alone.
 * Output is TAP: a plan line "1..N" (N cases will run), then per case
 * "ok N - name", "ok N - name # SKIP reason" or "not ok N - name # why",
 * then "N passed, N failed, N skipped"; the exit status is 1 when any case
 * failed (a skipped case neither passed nor failed).
 *
 * `./test_x name` runs that one case; `./test_x --list` prints every case's
 * name, one a line. With THRACE_TEST_IN_PROCESS=1 as well as a name, that
 * case runs in the process itself, with no fork (for tracers that must see
 * one process); there it prints nothing when it passes, and a SKIP prints
 * "# SKIP reason" and exits with HARNESS_SKIP_STATUS. THRACE_TEST_TIMEOUT
 * (seconds, default 30) bounds each case. Assertions print both values and
 * stop the case; SKIP(reason) stops it too, reported as skipped.
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
__attribute__((noreturn)) void harness_skip(const char *reason);

/* The exit status of a case that skipped (automake's). */
#define HARNESS_SKIP_STATUS 77

/* The seconds each case may take: THRACE_TEST_TIMEOUT, 30 by default. */
unsigned harness_timeout(void);

/* Seconds on CLOCK_MONOTONIC. */
double harness_now(void);

/* Captures what is written to stderr (fd 2) between begin and end. */
void harness_capture_begin(void);
/* Returns the captured text (malloc'd) and restores stderr. */
char *harness_capture_end(void);

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        harness_register(#name, name, __LINE__);                                                   \
    }                                                                                              \
    static void name(void)

/*
 * Ends the case at once, from the case or any function it calls, and reports
 * it as skipped with `reason`: for a case that cannot run here (a privilege
 * or a facility the machine lacks), never for one that fails.
 */
#define SKIP(reason) harness_skip(reason)

#define ASSERT_TRUE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            harness_fail(__FILE__, __LINE__, "expected true: %s", #cond);                          \
    } while (0)

#define ASSERT_FALSE(cond)                                                                         \
    do {                                                                                           \
        if (cond)                                                                                  \
            harness_fail(__FILE__, __LINE__, "expected false: %s", #cond);                         \
    } while (0)

#define ASSERT_EQ(expected, actual)                                                                \
    do {                                                                                           \
        long long e_ = (long long)(expected), a_ = (long long)(actual);                            \
        if (e_ != a_)                                                                              \
            harness_fail(__FILE__, __LINE__, "%s == %s: expected %lld, got %lld", #expected,       \
                         #actual, e_, a_);                                                         \
    } while (0)

/* Compares thrace result codes and prints their names. */
#define ASSERT_CODE(expected, actual)                                                              \
    do {                                                                                           \
        int e_ = (expected), a_ = (actual);                                                        \
        if (e_ != a_)                                                                              \
            harness_fail(__FILE__, __LINE__, "%s: expected %s, got %s", #actual,                   \
                         thrace_error_name(e_), thrace_error_name(a_));                            \
    } while (0)

#define ASSERT_STR_EQ(expected, actual)                                                            \
    do {                                                                                           \
        const char *e_ = (expected), *a_ = (actual);                                               \
        if (!a_ || strcmp(e_, a_) != 0)                                                            \
            harness_fail(__FILE__, __LINE__, "%s:\n  expected \"%s\"\n  got      \"%s\"", #actual, \
                         e_, a_ ? a_ : "(null)");                                                  \
    } while (0)

/* A duration in CPython's band: 0.6x to 10x of the expected seconds. */
#define ASSERT_DURATION(expected, actual)                                                          \
    do {                                                                                           \
        double e_ = (expected), a_ = (actual);                                                     \
        if (a_ < e_ * 0.6 || a_ > e_ * 10 + 0.05)                                                  \
            harness_fail(__FILE__, __LINE__, "%s: expected about %.3f s, took %.3f s", #actual,    \
                         e_, a_);                                                                  \
    } while (0)

#endif
