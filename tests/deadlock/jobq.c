/*
 * jobq.c - a job queue whose worker waits with `if` instead of `while`, and
 * whose shutdown sets its flag under the lock without notifying: the
 * worker, which ran out of jobs and waits for more, is never told to stop,
 * and main's join hangs. The jobs are queued before the worker starts, so
 * every notify comes before its wait; the worker tells main it is idle
 * (an Event set under the lock) just before it waits, so the shutdown
 * comes after the wait began. `jobq peek` looks at the queue's length
 * under the lock before the shutdown, a second hold after the last notify.
 */
#include <thrace.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { JOBS = 3 };

static thrace_cond have_work;
static thrace_event idle;
static int queued;
static bool shutting_down;

static void submit(void)
{
    thrace_cond_acquire(&have_work, true, THRACE_FOREVER);
    queued++;
    thrace_cond_notify(&have_work, 1); /* submit notifies */
    thrace_cond_release(&have_work);
}

static void worker(void *arg)
{
    (void)arg;
    for (;;) {
        thrace_cond_acquire(&have_work, true, THRACE_FOREVER);
        if (queued == 0 && !shutting_down) {              /* the bug: `if`, not `while` */
            thrace_event_set(&idle);                      /* the worker is idle */
            thrace_cond_wait(&have_work, THRACE_FOREVER); /* the worker waits for work */
        }
        if (shutting_down) {
            thrace_cond_release(&have_work);
            return;
        }
        queued--;
        thrace_cond_release(&have_work);
        thrace_info("job done");
    }
}

static int pending(void)
{
    thrace_cond_acquire(&have_work, true, THRACE_FOREVER); /* peek takes the lock */
    int n = queued;
    thrace_cond_release(&have_work); /* peek lets it go */
    return n;
}

static void shutdown_queue(void)
{
    thrace_cond_acquire(&have_work, true, THRACE_FOREVER); /* shutdown takes the lock */
    shutting_down = true;            /* the bug: no thrace_cond_notify_all(&have_work) */
    thrace_cond_release(&have_work); /* shutdown lets it go */
}

int main(int argc, char **argv)
{
    thrace_cond_init(&have_work);
    thrace_name(&have_work, "have_work");
    thrace_event_init(&idle);
    for (int i = 0; i < JOBS; i++)
        submit();
    thrace_thread *t = thrace_thread_new(worker, NULL, NULL);
    thrace_thread_start(t);
    thrace_event_wait(&idle, THRACE_FOREVER);
    if (argc == 2 && strcmp(argv[1], "peek") == 0)
        thrace_info("%d jobs pending", pending());
    shutdown_queue();
    puts("hung");
    fflush(stdout);
    thrace_thread_join(t, THRACE_FOREVER);
    thrace_thread_unref(t);
    return 0;
}
