/*
 * bsem.c - jobs that each take a slot of a BoundedSemaphore; the one that
 * fails gives its slot back on its error path and then again at its end,
 * which the BoundedSemaphore refuses (Python's ValueError). The jobs run
 * one after the other, so the slots are all back at that second release.
 */
#include <thrace.h>

#include <stdio.h>

enum { SLOTS = 2, JOBS = 3 };

static thrace_sem slots;

static void job(void *arg)
{
    int id = *(int *)arg;
    thrace_sem_acquire(&slots, true, THRACE_FOREVER);
    if (id == 1) { /* this job fails: its error path gives the slot back */
        thrace_sem_release(&slots, 1);
        thrace_warning("job %d failed", id);
    }
    if (thrace_sem_release(&slots, 1) != THRACE_OK) /* the bug: once more on failure */
        thrace_error("job %d: %s", id, thrace_strerror(THRACE_ERANGE));
}

int main(void)
{
    thrace_bsem_init(&slots, SLOTS);
    thrace_name(&slots, "slots");
    int ids[JOBS];
    for (int i = 0; i < JOBS; i++) {
        ids[i] = i;
        thrace_thread *t = thrace_thread_new(job, &ids[i], NULL);
        thrace_thread_start(t);
        thrace_thread_join(t, THRACE_FOREVER);
        thrace_thread_unref(t);
    }
    return 0;
}
