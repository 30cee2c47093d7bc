/*
 * scenarios.c - the programs whose traces test_trace_events.py checks event
 * by event: one TEST case per scenario, ordered by synchronisation so that
 * each trace is the same every run. Untraced, they run as unit tests of their
 * own; traced, each runs alone in one process (THRACE_TEST_IN_PROCESS=1).
 */
#include "sync_util.h"

/* ---- a contended Lock hand-off ----------------------------------------- */

static thrace_lock handoff_lock = THRACE_LOCK_INIT;

static void take_handoff_lock(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&handoff_lock, true, THRACE_FOREVER);
    thrace_lock_release(&handoff_lock);
}

TEST(lock_handoff)
{
    thrace_name(&handoff_lock, "handoff");
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&handoff_lock, true, THRACE_FOREVER));
    thrace_thread *t = spawn(take_handoff_lock, NULL);
    wait_until_blocked(&t, 1);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&handoff_lock));
    join_and_unref(t);
}

/* ---- a Condition notify and the wake-up it causes ----------------------- */

static thrace_lock cond_lock = THRACE_LOCK_INIT;
static thrace_cond cond;
static int cond_ready;

static void wait_on_cond(void *arg)
{
    (void)arg;
    thrace_cond_acquire(&cond, true, THRACE_FOREVER);
    __atomic_store_n(&cond_ready, 1, __ATOMIC_RELEASE);
    thrace_cond_wait(&cond, THRACE_FOREVER);
    thrace_cond_release(&cond);
}

TEST(cond_notify)
{
    thrace_cond_init_lock(&cond, &cond_lock);
    thrace_thread *t = spawn(wait_on_cond, NULL);
    WAIT_UNTIL(__atomic_load_n(&cond_ready, __ATOMIC_ACQUIRE));
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&cond, true, THRACE_FOREVER)); /* t waits */
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&cond, 1));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&cond));
    join_and_unref(t);
    thrace_cond_destroy(&cond);
}

/* A condition notified many times with nobody waiting: more notifies than
 * pixels in a zoomed-out window (the viewer's marks). */
enum { COND_NOTIFIES = 200 };

TEST(cond_many_notifies)
{
    thrace_cond_init_lock(&cond, &cond_lock);
    for (int i = 0; i < COND_NOTIFIES; i++) {
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&cond, true, THRACE_FOREVER));
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&cond, 1));
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&cond));
    }
    thrace_cond_destroy(&cond);
}

/* ---- Barrier rounds ----------------------------------------------------- */

static thrace_barrier barrier;

static void wait_at_barrier(void *arg)
{
    (void)arg;
    thrace_barrier_wait(&barrier, THRACE_FOREVER, NULL);
}

static void run_barrier_parties(int n, thrace_thread **t)
{
    for (int i = 0; i < n; i++)
        t[i] = spawn(wait_at_barrier, NULL);
}

TEST(barrier_round)
{
    thrace_thread *t[3];
    thrace_barrier_init(&barrier, 3, NULL, NULL, THRACE_FOREVER);
    run_barrier_parties(3, t);
    for (int i = 0; i < 3; i++)
        join_and_unref(t[i]);
    thrace_barrier_destroy(&barrier);
}

TEST(barrier_broken)
{
    thrace_thread *t[2];
    thrace_barrier_init(&barrier, 3, NULL, NULL, THRACE_FOREVER);
    run_barrier_parties(2, t);
    WAIT_UNTIL(thrace_barrier_n_waiting(&barrier) == 2);
    thrace_barrier_abort(&barrier);
    for (int i = 0; i < 2; i++)
        join_and_unref(t[i]);
    thrace_barrier_destroy(&barrier);
}

/* ---- an Event set waking two waiters ------------------------------------ */

static thrace_event event = THRACE_EVENT_INIT;

static void wait_for_event(void *arg)
{
    (void)arg;
    thrace_event_wait(&event, THRACE_FOREVER);
}

TEST(event_two_waiters)
{
    thrace_thread *t[2] = {spawn(wait_for_event, NULL), spawn(wait_for_event, NULL)};
    wait_until_blocked(t, 2);
    thrace_event_set(&event);
    join_and_unref(t[0]);
    join_and_unref(t[1]);
}

/* ---- a cancelled Timer --------------------------------------------------- */

static void never_called(void *arg)
{
    (void)arg;
    abort();
}

TEST(timer_cancelled)
{
    thrace_thread *timer = thrace_timer_new(30.0, never_called, NULL, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(timer));
    wait_until_blocked(&timer, 1);
    thrace_timer_cancel(timer);
    join_and_unref(timer);
}

/* ---- a Semaphore bounding entry ------------------------------------------ */

static thrace_sem sem;
static thrace_event sem_leave = THRACE_EVENT_INIT;
static int sem_entered;

static void enter_sem(void *arg)
{
    (void)arg;
    thrace_sem_acquire(&sem, true, THRACE_FOREVER);
    __atomic_add_fetch(&sem_entered, 1, __ATOMIC_ACQ_REL);
    thrace_event_wait(&sem_leave, THRACE_FOREVER);
    thrace_sem_release(&sem, 1);
}

TEST(sem_bound)
{
    thrace_sem_init(&sem, 2);
    thrace_thread *t[3];
    for (int i = 0; i < 2; i++)
        t[i] = spawn(enter_sem, NULL);
    WAIT_UNTIL(__atomic_load_n(&sem_entered, __ATOMIC_ACQUIRE) == 2);
    t[2] = spawn(enter_sem, NULL); /* finds the value at 0 */
    wait_until_blocked(&t[2], 1);
    thrace_event_set(&sem_leave);
    for (int i = 0; i < 3; i++)
        join_and_unref(t[i]);
    thrace_sem_destroy(&sem);
}

/* ---- a BoundedSemaphore released past its value ---------------------------- */

TEST(bsem_released_too_often)
{
    thrace_sem b;
    thrace_bsem_init(&b, 1);
    thrace_name(&b, "bounded");
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&b, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&b, 1));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&b, 1)); /* refused: past its value */
    thrace_sem_destroy(&b);
}

/* ---- an RLock taken three deep, and an uncontended Lock ------------------ */

TEST(rlock_three_deep)
{
    thrace_rlock r;
    thrace_rlock_init(&r);
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
    thrace_rlock_destroy(&r);
}

TEST(lock_uncontended)
{
    thrace_lock l;
    thrace_lock_init(&l);
    thrace_name(&l, "quiet");
    thrace_lock_acquire(&l, true, THRACE_FOREVER);
    thrace_lock_release(&l);
    thrace_lock_destroy(&l);
}

/* ---- logging, renaming, sleeping ------------------------------------------ */

TEST(log_and_names)
{
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_INFO);
    thrace_info("hello %d", 42);
    thrace_debug("filtered out");
    thrace_thread_set_name(thrace_current_thread(), "Renamed");
    thrace_sleep(0.01);
}

/* More log lines than /api/window lists (2000), from two threads, in
 * bursts of LOG_BURST with a sleep after each, so that they spread over
 * many buckets of the store's counts (2^16 ns) and a zoomed-out pixel
 * with lines has several: the viewer's zoomed-out log marks. */
enum { LOG_MAIN_LINES = 2400, LOG_WORKER_LINES = 800, LOG_BURST = 4 };

static void log_lines(void *arg)
{
    int n = *(const int *)arg;
    for (int i = 0; i < n; i++) {
        thrace_info("line %d", i);
        if (i % LOG_BURST == LOG_BURST - 1)
            thrace_sleep(0.0005);
    }
}

TEST(log_many_lines)
{
    static const int worker_lines = LOG_WORKER_LINES, main_lines = LOG_MAIN_LINES;
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_INFO);
    thrace_thread *t = spawn(log_lines, (void *)&worker_lines);
    log_lines((void *)&main_lines);
    join_and_unref(t);
}

/* An empty message, and one whose text would split a line and drive a
 * terminal: `thrace log` prints both, the second escaped. */
TEST(log_hostile_text)
{
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_INFO);
    thrace_info("%s", "");
    thrace_info("a\tb\x1b[31mred\nnext");
}

/* ---- a join that waits ------------------------------------------------------ */

static void sleep_a_while(void *arg)
{
    (void)arg;
    thrace_sleep(0.2);
}

TEST(join_sleeper)
{
    thrace_thread *t = spawn(sleep_a_while, NULL);
    ASSERT_TRUE(thrace_thread_is_alive(t)); /* it sleeps 0.2 s: the join waits */
    join_and_unref(t);
}
