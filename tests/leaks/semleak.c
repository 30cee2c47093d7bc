/*
 * semleak.c - a download pool whose failed download returns without giving
 * its connection permit back. `semleak hang`: as many downloads fail as
 * there are permits, so the workers starve and the program hangs;
 * `semleak finish`: fewer fail, so it finishes with permits still taken.
 * `semleak handoff N`: no download fails, but the workers leave their
 * permits to the main thread, which gives N back once it joined them (a
 * release by a thread holding none): only the permits it did not give
 * back are leaks.
 */
#include <thrace.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PERMITS = 3, WORKERS = 3, URLS = 8 };

static thrace_sem conns; /* connections open at once */
static thrace_lock queue_lock = THRACE_LOCK_INIT;
static int next_url, failing; /* the first `failing` downloads fail */
static bool handoff;          /* the main thread gives the permits back */
static int urls = URLS;

static bool download(int url)
{
    thrace_sem_acquire(&conns, true, THRACE_FOREVER); /* take a connection */
    if (url < failing)
        return false; /* the bug: the connection is not given back */
    if (handoff)
        return true; /* the main thread gives it back */
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
        if (url >= urls)
            return;
        if (!download(url))
            thrace_warning("download %d failed", url);
    }
}

int main(int argc, char **argv)
{
    const char *how = argc >= 2 ? argv[1] : "";
    handoff = argc == 3 && strcmp(how, "handoff") == 0;
    if (!handoff && (argc != 2 || (strcmp(how, "hang") != 0 && strcmp(how, "finish") != 0))) {
        fprintf(stderr, "usage: semleak hang|finish|handoff N\n");
        return 2;
    }
    failing = handoff ? 0 : strcmp(how, "hang") == 0 ? PERMITS : PERMITS - 1;
    int given_back = handoff ? atoi(argv[2]) : 0;
    if (handoff)
        urls = PERMITS; /* one each: nobody gives one back before the end */
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
    if (given_back > 0)
        thrace_sem_release(&conns, given_back);
    return 0;
}
