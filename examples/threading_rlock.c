/*
 * threading_rlock.c - an RLock is reentrant: the thread that holds it can
 * take it again, and must release it as many times.
 */
#include "thrace.h"

#include <stdio.h>

static const char *py_bool(int rc)
{
    return rc == THRACE_OK ? "True" : "False";
}

int main(void)
{
    thrace_rlock rlock = THRACE_RLOCK_INIT;

    printf("First try : %s\n", py_bool(thrace_rlock_acquire(&rlock, true, THRACE_FOREVER)));
    printf("Second try: %s\n", py_bool(thrace_rlock_acquire(&rlock, false, THRACE_FOREVER)));

    thrace_rlock_release(&rlock);
    thrace_rlock_release(&rlock);
    thrace_rlock_destroy(&rlock);
    return 0;
}
