/*
 * symlib.c - a shared library of its own for symprog.c: a mutex that
 * lives in the library's data, so that its name comes from the library's
 * symbol table, and the call that takes it from the library's code.
 */
#include <pthread.h>

void symlib_touch(void);

pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;

void symlib_touch(void)
{
    pthread_mutex_lock(&lib_lock); /* site: lib */
    pthread_mutex_unlock(&lib_lock);
}
