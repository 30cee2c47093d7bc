/*
 * test_interpose.c - the pthread interposer (lib/interpose/) keeps every
 * call's meaning: each case calls its thrace_ip_ entry points (which a
 * preloaded libthrace-pthread.so reaches through the pthread names, and
 * which a sanitizer build reaches only so) with deadlock detection or the
 * stall watch on, so that every call goes the traced way, and checks what
 * the real call would have returned. Two cases check what the watches
 * themselves say of plain pthread objects: libthrace's deadlock report for
 * mutexes taken in opposite orders, and the stall watchdog for threads all
 * blocked on them. Runs under TSan and ASan too: there the real functions
 * are the sanitizers' interceptors.
 */
#define _GNU_SOURCE /* the recursive and error-checking initialisers */
#include "fresh.h"
#include "interpose.h"
#include "sync_util.h"

#include <errno.h>
#include <fnmatch.h>

/* The ip the cases pass: no caller of libthrace's or LTTng's own. */
enum { IP = 0 };

/* A deadline `seconds` from now on CLOCK_REALTIME, for the timed calls. */
static struct timespec in_seconds(double seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += (time_t)seconds;
    t.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* Starts fn(arg) in a pthread created through the interposer. */
static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t id;
    ASSERT_EQ(0, thrace_ip_create(&id, NULL, fn, arg, IP));
    return id;
}

static void *join(pthread_t id)
{
    void *result = NULL;
    ASSERT_EQ(0, thrace_ip_join(id, &result, false, CLOCK_REALTIME, NULL, IP));
    return result;
}

/* ---- mutexes ---------------------------------------------------------------- */

static pthread_mutex_t held_elsewhere = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t taken, done_with_it;

static void *hold_then_release(void *arg)
{
    (void)arg;
    thrace_ip_mutex_lock(&held_elsewhere, IP);
    thrace_ip_barrier_wait(&taken, IP);
    thrace_ip_barrier_wait(&done_with_it, IP);
    thrace_ip_mutex_unlock(&held_elsewhere, IP);
    return NULL;
}

TEST(mutex_try_and_timed_locks_say_what_pthreads_say_while_another_thread_holds_it)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    pthread_barrier_init(&taken, NULL, 2);
    pthread_barrier_init(&done_with_it, NULL, 2);
    pthread_t t = start(hold_then_release, NULL);
    thrace_ip_barrier_wait(&taken, IP);
    ASSERT_EQ(EBUSY, thrace_ip_mutex_trylock(&held_elsewhere, IP));
    struct timespec soon = in_seconds(0.05);
    ASSERT_EQ(ETIMEDOUT, thrace_ip_mutex_timedlock(&held_elsewhere, CLOCK_REALTIME, &soon, IP));
    thrace_ip_barrier_wait(&done_with_it, IP);
    ASSERT_EQ(0, thrace_ip_mutex_lock(&held_elsewhere, IP));
    ASSERT_EQ(0, thrace_ip_mutex_unlock(&held_elsewhere, IP));
    join(t);
}

TEST(mutex_recursive_and_error_checking_kinds_keep_their_answers)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    pthread_mutex_t recursive = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    pthread_mutex_t checking = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    for (int depth = 0; depth < 3; depth++)
        ASSERT_EQ(0, thrace_ip_mutex_lock(&recursive, IP));
    ASSERT_EQ(0, thrace_ip_mutex_trylock(&recursive, IP));
    for (int depth = 0; depth < 4; depth++)
        ASSERT_EQ(0, thrace_ip_mutex_unlock(&recursive, IP));
    ASSERT_EQ(0, thrace_ip_mutex_lock(&checking, IP));
    ASSERT_EQ(EDEADLK, thrace_ip_mutex_lock(&checking, IP));
    ASSERT_EQ(0, thrace_ip_mutex_unlock(&checking, IP));
}

/* ---- read-write locks ------------------------------------------------------ */

static pthread_rwlock_t shared_lock = PTHREAD_RWLOCK_INITIALIZER;

static void *read_while_the_other_reads(void *arg)
{
    (void)arg;
    ASSERT_EQ(0, thrace_ip_rwlock_lock(&shared_lock, true, false, CLOCK_REALTIME, NULL, IP));
    thrace_ip_barrier_wait(&taken, IP); /* both readers hold it at once */
    thrace_ip_barrier_wait(&done_with_it, IP);
    ASSERT_EQ(0, thrace_ip_rwlock_unlock(&shared_lock, IP));
    return NULL;
}

TEST(rwlock_readers_share_it_and_a_writer_waits_for_them)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    pthread_barrier_init(&taken, NULL, 3);
    pthread_barrier_init(&done_with_it, NULL, 3);
    pthread_t a = start(read_while_the_other_reads, NULL),
              b = start(read_while_the_other_reads, NULL);
    thrace_ip_barrier_wait(&taken, IP);
    ASSERT_EQ(EBUSY, thrace_ip_rwlock_lock(&shared_lock, false, true, CLOCK_REALTIME, NULL, IP));
    ASSERT_EQ(0, thrace_ip_rwlock_lock(&shared_lock, true, true, CLOCK_REALTIME, NULL, IP));
    ASSERT_EQ(0, thrace_ip_rwlock_unlock(&shared_lock, IP));
    struct timespec soon = in_seconds(0.05);
    ASSERT_EQ(ETIMEDOUT,
              thrace_ip_rwlock_lock(&shared_lock, false, false, CLOCK_REALTIME, &soon, IP));
    thrace_ip_barrier_wait(&done_with_it, IP);
    join(a);
    join(b);
    ASSERT_EQ(0, thrace_ip_rwlock_lock(&shared_lock, false, false, CLOCK_REALTIME, NULL, IP));
    ASSERT_EQ(0, thrace_ip_rwlock_unlock(&shared_lock, IP));
}

/* ---- condition variables ---------------------------------------------------- */

static pthread_mutex_t guard = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int ready;

static void *wait_until_ready(void *arg)
{
    (void)arg;
    thrace_ip_mutex_lock(&guard, IP);
    while (!ready)
        ASSERT_EQ(0, thrace_ip_cond_wait(&changed, &guard, CLOCK_REALTIME, NULL, IP));
    thrace_ip_mutex_unlock(&guard, IP);
    return (void *)1;
}

TEST(cond_wait_returns_holding_its_mutex_once_signalled_and_a_timed_wait_times_out)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    pthread_t t = start(wait_until_ready, NULL);
    thrace_ip_mutex_lock(&guard, IP);
    struct timespec soon = in_seconds(0.02);
    ASSERT_EQ(ETIMEDOUT, thrace_ip_cond_wait(&changed, &guard, CLOCK_REALTIME, &soon, IP));
    ready = 1;
    ASSERT_EQ(0, thrace_ip_cond_notify(&changed, true, IP));
    thrace_ip_mutex_unlock(&guard, IP);
    ASSERT_TRUE(join(t) == (void *)1);
}

/* ---- semaphores and barriers ------------------------------------------------ */

TEST(sem_trywait_timedwait_and_post_keep_the_count)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    sem_t s;
    ASSERT_EQ(0, sem_init(&s, 0, 1));
    ASSERT_EQ(0, thrace_ip_sem_wait(&s, true, CLOCK_REALTIME, NULL, IP));
    ASSERT_EQ(-1, thrace_ip_sem_wait(&s, true, CLOCK_REALTIME, NULL, IP));
    ASSERT_EQ(EAGAIN, errno);
    struct timespec soon = in_seconds(0.02);
    ASSERT_EQ(-1, thrace_ip_sem_wait(&s, false, CLOCK_REALTIME, &soon, IP));
    ASSERT_EQ(ETIMEDOUT, errno);
    ASSERT_EQ(0, thrace_ip_sem_post(&s, IP));
    ASSERT_EQ(0, thrace_ip_sem_post(&s, IP));
    int value = -1;
    sem_getvalue(&s, &value);
    ASSERT_EQ(2, value);
    sem_destroy(&s);
}

static void *arrive(void *arg)
{
    return (void *)(intptr_t)thrace_ip_barrier_wait(arg, IP);
}

TEST(barrier_wait_gives_one_party_the_serial_answer)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, 3);
    pthread_t t[2] = {start(arrive, &b), start(arrive, &b)};
    int serial = thrace_ip_barrier_wait(&b, IP) == PTHREAD_BARRIER_SERIAL_THREAD;
    for (int i = 0; i < 2; i++)
        serial += (intptr_t)join(t[i]) == PTHREAD_BARRIER_SERIAL_THREAD;
    ASSERT_EQ(1, serial);
    pthread_barrier_destroy(&b);
}

/* ---- threads ------------------------------------------------------------------ */

static void *hold_until_done(void *arg)
{
    thrace_ip_barrier_wait(&done_with_it, IP);
    return arg;
}

TEST(join_returns_the_result_and_tryjoin_says_busy_while_it_runs)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    pthread_barrier_init(&done_with_it, NULL, 2);
    pthread_t t = start(hold_until_done, (void *)42);
    void *result = NULL;
    ASSERT_EQ(EBUSY, thrace_ip_join(t, &result, true, CLOCK_REALTIME, NULL, IP));
    struct timespec soon = in_seconds(0.02);
    ASSERT_EQ(ETIMEDOUT, thrace_ip_join(t, &result, false, CLOCK_REALTIME, &soon, IP));
    thrace_ip_barrier_wait(&done_with_it, IP);
    ASSERT_TRUE(join(t) == (void *)42);
}

/* ---- what the watches say ------------------------------------------------------ */

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;
static double give_up_after; /* the opposite order's wait, seconds */

/* Takes a then b, b given up after give_up_after seconds: the cycle closes once. */
static void take_in_order(pthread_mutex_t *a, pthread_mutex_t *b)
{
    thrace_ip_mutex_lock(a, IP);
    thrace_ip_barrier_wait(&taken, IP);
    struct timespec until = in_seconds(give_up_after);
    if (thrace_ip_mutex_timedlock(b, CLOCK_REALTIME, &until, IP) == 0)
        thrace_ip_mutex_unlock(b, IP);
    thrace_ip_mutex_unlock(a, IP);
}

static void *first_then_second(void *arg)
{
    (void)arg;
    take_in_order(&first, &second);
    return NULL;
}

static void *second_then_first(void *arg)
{
    (void)arg;
    take_in_order(&second, &first);
    return NULL;
}

/* Two threads take two mutexes in opposite orders, each giving up in time. */
static void abba(double seconds)
{
    give_up_after = seconds;
    pthread_barrier_init(&taken, NULL, 2);
    pthread_t a = start(first_then_second, NULL), b = start(second_then_first, NULL);
    join(a);
    join(b);
}

/* Asserts that what was said is n lines of the fnmatch shapes, in order; frees it. */
static void expect_said(char *said, const char *const *shapes, size_t n)
{
    char *line = said;
    for (size_t i = 0; i < n; i++) {
        char *end = strchr(line, '\n');
        ASSERT_TRUE(end != NULL);
        *end = '\0';
        if (fnmatch(shapes[i], line, 0) != 0)
            harness_fail(__FILE__, __LINE__, "line %zu: \"%s\" is not \"%s\"", i, line, shapes[i]);
        line = end + 1;
    }
    ASSERT_STR_EQ("", line);
    free(said);
}

TEST(deadlock_detection_reports_a_cycle_of_plain_mutexes)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    harness_capture_begin();
    abba(0.3);
    static const char *const shapes[] = {
        "thrace: deadlock: Thread-? -> Lock-* -> Thread-? -> Lock-* -> Thread-? (pid *, at * s)",
        "thrace:   Thread-? waits for Lock-* since * s at *",
        "thrace:   * holds Lock-* since * s (for * s), taken at *",
        "thrace:   Thread-? waits for Lock-* since * s at *",
        "thrace:   * holds Lock-* since * s (for * s), taken at *",
    };
    expect_said(harness_capture_end(), shapes, sizeof shapes / sizeof shapes[0]);
}

static pthread_mutex_t nested = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;

/* Returns holding a recursive mutex twice and an rwlock to write. */
static void *lock_and_return(void *arg)
{
    (void)arg;
    thrace_ip_mutex_lock(&nested, IP);
    thrace_ip_mutex_lock(&nested, IP);
    thrace_ip_rwlock_lock(&table, false, false, CLOCK_REALTIME, NULL, IP);
    return NULL;
}

TEST(deadlock_detection_reports_a_thread_ending_holding_a_mutex_not_an_rwlock)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    harness_capture_begin();
    join(start(lock_and_return, NULL));
    static const char *const shapes[] = {
        "thrace: leak: Thread-1 ended holding RLock-* (pid *, at * s)",
        "thrace:   RLock-* taken at * s at an unknown site, never released (depth 2)",
    };
    expect_said(harness_capture_end(), shapes, sizeof shapes / sizeof shapes[0]);
}

TEST(the_stall_watch_sees_threads_blocked_on_plain_mutexes)
{
    WATCHED_IN_FRESH_PROCESS(true);
    abba(1.0); /* a second blocked, the watch says so after 0.2 */
}
