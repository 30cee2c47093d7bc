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
    THRACE_WITH(l) { thrace_sleep(0.01); }
}

TEST(threads_smoke)
{
    thrace_lock l = THRACE_LOCK_INIT;
    thrace_thread *t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = thrace_thread_new(work, &l, NULL);
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t[i]));
    }
    ASSERT_EQ(5, thrace_active_count());
    for (int i = 0; i < 4; i++) {
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t[i], THRACE_FOREVER));
        ASSERT_STR_EQ("Thread-1", i == 0 ? thrace_thread_name(t[i]) : "Thread-1");
        thrace_thread_unref(t[i]);
    }
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);
    thrace_debug("hello %d", 42);
}
