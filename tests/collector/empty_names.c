/*
 * empty_names.c - two threads renamed through pthreads, the second to "":
 * the empty name must be stored empty, not as the name before it
 * (libbabeltrace2 2.0 leaves a reused string field's previous bytes).
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *rename_and_lock(void *name)
{
    pthread_setname_np(pthread_self(), (const char *)name);
    pthread_mutex_lock(&lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    static char named[] = "worker", unnamed[] = "";
    pthread_t t;
    pthread_create(&t, NULL, rename_and_lock, named);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, rename_and_lock, unnamed);
    pthread_join(t, NULL);
    return 0;
}
