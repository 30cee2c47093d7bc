/*
 * semleak.c - a download pool whose failed download returns without giving
 * its connection permit back. `semleak hang`: as many downloads fail as
 * there are permits, so the workers starve and the program hangs;
 * `semleak finish`: fewer fail, so it finishes with permits still taken.
 */
#include <thrace.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { PERMITS = 3, WORKERS = 3, URLS = 8 };

static thrace_sem conns; /* connections open at once */
static thrace_lock queue_lock = THRACE_LOCK_INIT;
static int next_url, failing; /* the first `failing` downloads fail */

static bool download(int url)
{
    thrace_sem_acquire(&conns, true, THRACE_FOREVER); /* take a connection */
    if (url < failing)
        return false; /* the bug: the connection is not given back */
    thrace_sleep(0.001);
    thrace_sem_release(&conns, 1);
    return true;
}

static void worker(void *arg)
{
    (void)arg;
    for (;;) {
        int url;
        THRACE_WITH (&queue_lock) {
            url = next_url++;
        }
        if (url >= URLS)
            return;
        if (!download(url))
            thrace_warning("download %d failed", url);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "hang") != 0 && strcmp(argv[1], "finish") != 0)) {
        fprintf(stderr, "usage: semleak hang|finish\n");
        return 2;
    }
    failing = strcmp(argv[1], "hang") == 0 ? PERMITS : PERMITS - 1;
    thrace_sem_init(&conns, PERMITS);
    thrace_name(&conns, "conns");
    thrace_thread *workers[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        workers[i] = thrace_thread_new(worker, NULL, NULL);
        thrace_thread_start(workers[i]);
    }
    for (int i = 0; i < WORKERS; i++) {
        thrace_thread_join(workers[i], THRACE_FOREVER);
        thrace_thread_unref(workers[i]);
    }
    return 0;
}
