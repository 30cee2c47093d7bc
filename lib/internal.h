/*
 * internal.h - what every file of libthrace shares: the abort for broken
 * invariants (STYLE: layer 2 of errors) and the one-word atomics shorthand.
 * Every internal declaration is hidden: only thrace.h is exported.
 */
#ifndef THRACE_LIB_INTERNAL_H
#define THRACE_LIB_INTERNAL_H

#include "thrace.h"

/* A pthread call inside thrace failed: print one line and abort. */
__attribute__((noreturn, cold)) void thrace__die(const char *what, int err);

/* Checks the result of a pthread call that cannot fail when thrace is sound. */
#define THRACE__CHECK(call)                                                                        \
    do {                                                                                           \
        int thrace__rc = (call);                                                                   \
        if (__builtin_expect(thrace__rc != 0, 0))                                                  \
            thrace__die(#call, thrace__rc);                                                        \
    } while (0)

/*
 * Thread-local state of libthrace: initial-exec, so that reaching it from the
 * shared library is one %fs-relative load, not a call to __tls_get_addr.
 */
#define THRACE__TLS __thread __attribute__((tls_model("initial-exec")))

#define THRACE__LIKELY(x)   __builtin_expect(!!(x), 1)
#define THRACE__UNLIKELY(x) __builtin_expect(!!(x), 0)

/* For the few helpers of an uncontended call that GCC's -O2 left as calls
 * (a call and return cost a third of an RLock re-entry: bench_handoff). */
#define THRACE__HOT_INLINE inline __attribute__((always_inline))

#endif
