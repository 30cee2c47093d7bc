/*
 * symprog.c - a program written against pthreads alone, for the names
 * that thrace gives to what it traces through the pthread interposer:
 * two static mutexes (alpha_lock, global, and beta_lock, file-local), a
 * mutex on the heap, and one in a shared library (symlib.c's lib_lock),
 * each taken by a thread of its own and by main. The lines that take them
 * are marked "site: NAME"; test_symbols_trace.py reads them from here.
 *
 * Built twice: with debug information (symbols_prog) and without, stripped
 * and its symbols exported (symbols_stripped), whose sites have function
 * names but no lines.
 */
#include <pthread.h>
#include <stdlib.h>

void symlib_touch(void);
void *worker(void *heap);

pthread_mutex_t alpha_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t beta_lock = PTHREAD_MUTEX_INITIALIZER;

/* Exported (not static): the stripped build names it from .dynsym. */
void *worker(void *heap)
{
    pthread_mutex_lock(&alpha_lock); /* site: worker alpha */
    pthread_mutex_lock(&beta_lock);  /* site: worker beta */
    pthread_mutex_unlock(&beta_lock);
    pthread_mutex_unlock(&alpha_lock);
    pthread_mutex_lock(heap); /* site: worker heap */
    pthread_mutex_unlock(heap);
    return NULL;
}

int main(void)
{
    pthread_mutex_t *heap = malloc(sizeof *heap);
    if (!heap || pthread_mutex_init(heap, NULL) != 0)
        return 1;
    pthread_t t;
    if (pthread_create(&t, NULL, worker, heap) != 0 || pthread_join(t, NULL) != 0)
        return 1;
    pthread_mutex_lock(&alpha_lock); /* site: main alpha */
    pthread_mutex_unlock(&alpha_lock);
    symlib_touch();
    pthread_mutex_destroy(heap);
    free(heap);
    return 0;
}
