/*
 * test_fork.c - what a fork leaves in the child, as in Python: only the
 * forking thread, which becomes the child's main thread with its own ids;
 * the other threads are finished there (not alive, joins return at once),
 * and thrace's primitives keep working.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <sys/wait.h>
#include <unistd.h>

static thrace_event release_blocker = THRACE_EVENT_INIT;

static void blocker(void *arg)
{
    (void)arg;
    thrace_event_wait(&release_blocker, THRACE_FOREVER);
}

/* The checks the child runs; its exit status says which failed (0: none). */
static int child_checks(thrace_thread *other, thrace_thread *forker)
{
    if (thrace_active_count() != 1)
        return 10;
    if (thrace_main_thread() != forker || thrace_current_thread() != forker)
        return 11;
    if (thrace_thread_native_id(forker) != gettid())
        return 12;
    if (thrace_thread_is_alive(other))
        return 13;
    if (thrace_thread_join(other, 1.0) != THRACE_OK)
        return 14;
    thrace_lock l = THRACE_LOCK_INIT;
    if (thrace_lock_acquire(&l, true, 0.01) != THRACE_OK ||
        thrace_lock_acquire(&l, true, 0.01) != THRACE_TIMEOUT)
        return 15;
#if !defined(__SANITIZE_THREAD__) /* TSan cannot start threads after such a fork */
    thrace_thread *t = thrace_thread_new(blocker, NULL, NULL);
    thrace_event_set(&release_blocker);
    if (thrace_thread_start(t) != THRACE_OK || thrace_thread_join(t, 5.0) != THRACE_OK)
        return 16;
#endif
    return 0;
}

typedef struct {
    thrace_thread *other;
    int status;
} fork_result;

/* Forks from the calling thread and waits for the child's verdict. */
static void fork_and_check(void *arg)
{
    fork_result *r = arg;
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10);
        _exit(child_checks(r->other, thrace_current_thread()));
    }
    int status = -1;
    waitpid(pid, &status, 0);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(fork_from_main_leaves_only_main_in_the_child)
{
    fork_result r = {thrace_thread_new(blocker, NULL, NULL), -1};
    ASSERT_CODE(THRACE_OK, thrace_thread_start(r.other));
    fork_and_check(&r);
    ASSERT_EQ(0, r.status);
    thrace_event_set(&release_blocker);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(r.other, THRACE_FOREVER));
    thrace_thread_unref(r.other);
}

TEST(fork_from_a_worker_makes_it_the_childs_main_thread)
{
    fork_result r = {thrace_thread_new(blocker, NULL, NULL), -1};
    ASSERT_CODE(THRACE_OK, thrace_thread_start(r.other));
    thrace_thread *forker = thrace_thread_new(fork_and_check, &r, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(forker));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(forker, THRACE_FOREVER));
    ASSERT_EQ(0, r.status);
    ASSERT_TRUE(thrace_main_thread() != forker); /* the parent is unchanged */
    thrace_event_set(&release_blocker);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(r.other, THRACE_FOREVER));
    thrace_thread_unref(r.other);
    thrace_thread_unref(forker);
}
