/*
 * test_smoke.c - a first look at Lock, threads and logging together; the
 * other test_*.c files hold the thorough cases.
 */
#include "harness.h"

TEST(lock_smoke)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_CODE(THRACE_EPERM, thrace_lock_release(&l));
}

static void work(void *arg)
{
    thrace_lock *l = arg;
    THRACE_WITH (l) {
        thrace_sleep(0.01);
    }
}

TEST(threads_smoke)
{
    thrace_lock l = THRACE_LOCK_INIT;
    thrace_thread *t[4];
    /* Held until they are counted, so that none can end before: under a
     * slow start (TSan on a busy machine) the first once did. */
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    for (int i = 0; i < 4; i++) {
        t[i] = thrace_thread_new(work, &l, NULL);
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t[i]));
    }
    ASSERT_EQ(5, thrace_active_count());
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    for (int i = 0; i < 4; i++) {
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t[i], THRACE_FOREVER));
        ASSERT_STR_EQ("Thread-1", i == 0 ? thrace_thread_name(t[i]) : "Thread-1");
        thrace_thread_unref(t[i]);
    }
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);
    thrace_debug("hello %d", 42);
}
