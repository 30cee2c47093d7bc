/*
 * threading_lock_reacquire.c - a Lock is not reentrant: the thread that holds
 * it cannot take it again. The second try does not block, so it fails at
 * once instead of deadlocking.
 */
#include "thrace.h"

#include <stdio.h>

static const char *py_bool(int rc)
{
    return rc == THRACE_OK ? "True" : "False";
}

int main(void)
{
    thrace_lock lock = THRACE_LOCK_INIT;

    printf("First try : %s\n", py_bool(thrace_lock_acquire(&lock, true, THRACE_FOREVER)));
    printf("Second try : %s\n", py_bool(thrace_lock_acquire(&lock, false, THRACE_FOREVER)));

    thrace_lock_release(&lock);
    thrace_lock_destroy(&lock);
    return 0;
}
