/*
 * test_deadlock.c - in-process deadlock detection (THRACE_DEADLOCK=1) and
 * the stall watchdog (THRACE_STALL_TIMEOUT, THRACE_STALL_FD).
 *
 * libthrace reads these variables once, as it loads, which is how a program
 * started by `thrace record` or by a user meets them. So a case first runs
 * again in a fresh process of this program, started with the variables set
 * and in the harness's in-process mode (harness.h), where it plays its
 * scenario; the forked case waits for that process and asserts it passed.
 * Detection cases capture their own stderr and check the report there; the
 * stall cases hand the fresh process the write end of a pipe and read what
 * the watchdog wrote. Run by hand in process, a case plays its scenario
 * under the environment it was given.
 */
#include "fresh.h"
#include "sync_util.h"

#include <fnmatch.h>
#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
/* The cases close lock-order cycles on purpose, which ThreadSanitizer sees
 * in thrace's locks (lib/annotate.h) and would report. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "detect_deadlocks=0";
}
#endif

/* ---- reports ------------------------------------------------------------ */

/* Asserts that text is n lines matching the fnmatch patterns, in order. */
static void expect_lines(const char *text, const char *const *patterns, size_t n)
{
    const char *line = text;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(line, '\n');
        if (!end)
            harness_fail(__FILE__, __LINE__, "line %zu missing from:\n%s", i + 1, text);
        char *copy = strndup(line, (size_t)(end - line));
        if (fnmatch(patterns[i], copy, 0) != 0)
            harness_fail(__FILE__, __LINE__, "line %zu:\n  expected %s\n  got      %s\nin:\n%s",
                         i + 1, patterns[i], copy, text);
        free(copy);
        line = end + 1;
    }
    if (*line)
        harness_fail(__FILE__, __LINE__, "more than %zu lines in:\n%s", n, text);
}

/* The number after `key` on line `index` (from 0) of text. */
static double number_after(const char *text, int index, const char *key)
{
    for (; index > 0; index--)
        text = strchr(text, '\n') + 1;
    const char *at = strstr(text, key);
    ASSERT_TRUE(at != NULL);
    return atof(at + strlen(key));
}

/* ---- ABBA: two threads, two locks --------------------------------------- */

typedef struct {
    thrace_lock a, b;
    thrace_barrier met;
    thrace_thread *first;                           /* worker_a */
    double b_timeout;                               /* how long worker_b waits for a */
    int a_takes_a, a_takes_b, b_takes_b, b_takes_a; /* call lines */
    int a_rc, b_rc;
} abba;

/* Takes a, then, once worker_b holds b, b. */
static void worker_a(void *arg)
{
    abba *s = arg;
    s->a_takes_a = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->a, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    s->a_takes_b = __LINE__ + 1;
    s->a_rc = thrace_lock_acquire(&s->b, true, 20.0);
    if (s->a_rc == THRACE_OK)
        ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->b));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->a));
}

/* Takes b, then, once worker_a waits for b, a: the wait that closes the cycle. */
static void worker_b(void *arg)
{
    abba *s = arg;
    s->b_takes_b = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->b, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    wait_until_blocked(&s->first, 1);
    s->b_takes_a = __LINE__ + 1;
    s->b_rc = thrace_lock_acquire(&s->a, true, s->b_timeout);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->b));
}

/* Starts the two workers (Thread-1 and Thread-2; the locks are Lock-1 and
 * Lock-2) into the cycle; worker_b gives up after b_timeout, then both end. */
static void abba_start(abba *s, double b_timeout, thrace_thread **workers)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s->a));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s->b));
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&s->met, 2, NULL, NULL, THRACE_FOREVER));
    s->b_timeout = b_timeout;
    workers[0] = s->first = spawn(worker_a, s);
    workers[1] = spawn(worker_b, s);
}

static void abba_run(abba *s)
{
    thrace_thread *workers[2];
    abba_start(s, 0.1, workers);
    join_and_unref(workers[0]);
    join_and_unref(workers[1]);
    ASSERT_CODE(THRACE_OK, s->a_rc);
    ASSERT_CODE(THRACE_TIMEOUT, s->b_rc); /* reported, and still timed out */
}

/* Ends the stderr capture: nothing may have been reported. */
static void assert_nothing_reported(void)
{
    char *report = harness_capture_end();
    ASSERT_STR_EQ("", report);
    free(report);
}

/* Runs first and second (into t[0], t[1]) with arg, meets them at met (three
 * parties), and joins them. */
static void run_pair(void (*first)(void *), void (*second)(void *), void *arg, thrace_barrier *met,
                     thrace_thread **t)
{
    t[0] = spawn(first, arg);
    t[1] = spawn(second, arg);
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(met, THRACE_FOREVER, NULL));
    join_and_unref(t[0]);
    join_and_unref(t[1]);
}

TEST(abba_cycle_is_reported_once_with_threads_locks_and_sites)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static abba s;
    harness_capture_begin();
    abba_run(&s);
    char *report = harness_capture_end();
    char p[5][160];
    snprintf(p[0], sizeof p[0],
             "thrace: deadlock: Thread-1 -> Lock-2 -> Thread-2 -> Lock-1 -> Thread-1 "
             "(pid %ld, at *.?????? s)",
             (long)getpid());
    snprintf(p[1], sizeof p[1],
             "thrace:   Thread-1 waits for Lock-2 since *.?????? s at "
             "test_deadlock.c:%d in worker_a()",
             s.a_takes_b);
    snprintf(p[2], sizeof p[2],
             "thrace:            holds Lock-1 since *.?????? s (for *.?????? s), taken at "
             "test_deadlock.c:%d in worker_a()",
             s.a_takes_a);
    snprintf(p[3], sizeof p[3],
             "thrace:   Thread-2 waits for Lock-1 since *.?????? s at "
             "test_deadlock.c:%d in worker_b()",
             s.b_takes_a);
    snprintf(p[4], sizeof p[4],
             "thrace:            holds Lock-2 since *.?????? s (for *.?????? s), taken at "
             "test_deadlock.c:%d in worker_b()",
             s.b_takes_b);
    expect_lines(report, (const char *const[]){p[0], p[1], p[2], p[3], p[4]}, 5);
    /* Told by Thread-2, whose wait closed the cycle, as it began. */
    ASSERT_TRUE(number_after(report, 0, "at ") == number_after(report, 3, "since "));
    ASSERT_TRUE(number_after(report, 1, "since ") <= number_after(report, 3, "since "));
    free(report);
}

TEST(no_report_when_detection_is_off)
{
    IN_FRESH_PROCESS(NULL);
    static abba s;
    harness_capture_begin();
    abba_run(&s);
    assert_nothing_reported();
}

TEST(a_thread_taking_its_own_lock_again_is_reported)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    thrace_lock l;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&l));
    harness_capture_begin();
    int taken = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    int again = __LINE__ + 1;
    int rc = thrace_lock_acquire(&l, true, 0.05);
    char *report = harness_capture_end();
    ASSERT_CODE(THRACE_TIMEOUT, rc);
    char p[3][160];
    snprintf(p[0], sizeof p[0], "thrace: deadlock: MainThread -> Lock-1 -> MainThread (pid %ld, *)",
             (long)getpid());
    snprintf(p[1], sizeof p[1], "thrace:   MainThread waits for Lock-1 since * at *.c:%d in %s()",
             again, __func__);
    snprintf(p[2], sizeof p[2], "thrace:   %10s holds Lock-1 since * taken at *.c:%d in %s()", "",
             taken, __func__);
    expect_lines(report, (const char *const[]){p[0], p[1], p[2]}, 3);
    free(report);
}

/* ---- a ring of three threads through an RLock --------------------------- */

typedef struct {
    thrace_lock l1, l3;
    thrace_rlock r2;
    thrace_barrier met;
    thrace_thread *t[3];
} ring;

/* Thread-1: holds Lock-1, waits for RLock-2. */
static void ring_1(void *arg)
{
    ring *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l1, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r2, true, 20.0));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r2));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l1));
}

/* Thread-2: holds RLock-2 twice, waits for Lock-3 once Thread-1 waits. */
static void ring_2(void *arg)
{
    ring *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r2, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r2, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    wait_until_blocked(&s->t[0], 1);
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l3, true, 20.0));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l3));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r2));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r2));
}

/* Thread-3: holds Lock-3, closes the ring by waiting for Lock-1, gives up. */
static void ring_3(void *arg)
{
    ring *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l3, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    wait_until_blocked(s->t, 2);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&s->l1, true, 0.1));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l3));
}

TEST(ring_of_three_threads_through_an_rlock_is_reported_once)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static ring s;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.l1));
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&s.r2));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.l3));
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&s.met, 3, NULL, NULL, THRACE_FOREVER));
    harness_capture_begin();
    void (*fn[3])(void *) = {ring_1, ring_2, ring_3};
    for (int i = 0; i < 3; i++)
        s.t[i] = spawn(fn[i], &s);
    for (int i = 0; i < 3; i++)
        join_and_unref(s.t[i]);
    char *report = harness_capture_end();
    expect_lines(report,
                 (const char *const[]){
                     "thrace: deadlock: Thread-1 -> RLock-2 -> Thread-2 -> Lock-3 -> Thread-3 -> "
                     "Lock-1 -> Thread-1 (pid *, at * s)",
                     "thrace:   Thread-1 waits for RLock-2 since * s at *.c:* in ring_1()",
                     "thrace:            holds Lock-1 since * s (* s), taken at *.c:* in ring_1()",
                     "thrace:   Thread-2 waits for Lock-3 since * s at *.c:* in ring_2()",
                     "thrace:            holds RLock-2 since * s (* s), taken at *.c:* in ring_2()",
                     "thrace:   Thread-3 waits for Lock-1 since * s at *.c:* in ring_3()",
                     "thrace:            holds Lock-3 since * s (* s), taken at *.c:* in ring_3()",
                 },
                 7);
    free(report);
}

/* ---- a condition's lock, taken back after a wait, closes a cycle -------- */

typedef struct {
    thrace_lock a, b;
    thrace_cond c; /* over a */
    bool waiting, notified;
    thrace_thread *waiter;
} cond_cycle;

static bool is_waiting(void *arg)
{
    return ((cond_cycle *)arg)->waiting;
}

static bool is_notified(void *arg)
{
    return ((cond_cycle *)arg)->notified;
}

/* Thread-1: holds b and waits on the condition; woken, waits to take a back. */
static void cond_waiter(void *arg)
{
    cond_cycle *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->b, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&s->c, true, THRACE_FOREVER));
    s->waiting = true;
    ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&s->c));
    ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&s->c, is_notified, s, 20.0));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&s->c));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->b));
}

/* Thread-2: notifies, keeps a until Thread-1 waits for it, then waits for b. */
static void cond_notifier(void *arg)
{
    cond_cycle *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&s->c, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&s->c, is_waiting, s, 20.0));
    s->notified = true;
    ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&s->c));
    wait_until_blocked(&s->waiter, 1);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&s->b, true, 0.1));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&s->c));
}

TEST(condition_lock_taken_back_after_a_wait_closes_a_reported_cycle)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static cond_cycle s;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.a));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.b));
    ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&s.c, &s.a));
    harness_capture_begin();
    s.waiter = spawn(cond_waiter, &s);
    thrace_thread *notifier = spawn(cond_notifier, &s);
    join_and_unref(s.waiter);
    join_and_unref(notifier);
    char *report = harness_capture_end();
    expect_lines(
        report,
        (const char *const[]){
            "thrace: deadlock: Thread-1 -> Lock-1 -> Thread-2 -> Lock-2 -> Thread-1 "
            "(pid *, at * s)",
            "thrace:   Thread-1 waits for Lock-1 since * s at *.c:* in cond_waiter()",
            "thrace:            holds Lock-2 since * s (* s), taken at *.c:* in cond_waiter()",
            "thrace:   Thread-2 waits for Lock-2 since * s at *.c:* in cond_notifier()",
            "thrace:            holds Lock-1 since * s (* s), taken at *.c:* in cond_notifier()",
        },
        5);
    free(report);
}

/* ---- no false report ---------------------------------------------------- */

enum { ROUNDS = 2000 };

typedef struct {
    thrace_lock a, b;
    thrace_barrier met; /* both workers and the main thread */
    thrace_thread *t[2];
} ordered;

static void take_a_then_b(ordered *s)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->a, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->b, true, THRACE_FOREVER));
}

static void release_both(ordered *s)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->b));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->a));
}

/* Holds both until the other waits for a, then both take them in turns. */
static void ordered_first(void *arg)
{
    ordered *s = arg;
    take_a_then_b(s);
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    wait_until_blocked(&s->t[1], 1);
    release_both(s);
    for (int i = 0; i < ROUNDS; i++) {
        take_a_then_b(s);
        release_both(s);
    }
}

static void ordered_second(void *arg)
{
    ordered *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    for (int i = 0; i <= ROUNDS; i++) {
        take_a_then_b(s);
        release_both(s);
    }
}

TEST(no_report_for_a_consistent_lock_order)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static ordered s;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.a));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.b));
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&s.met, 3, NULL, NULL, THRACE_FOREVER));
    harness_capture_begin();
    run_pair(ordered_first, ordered_second, &s, &s.met, s.t);
    assert_nothing_reported();
}

typedef struct {
    thrace_rlock r;
    thrace_barrier met;
    thrace_thread *t[2];
} recursion;

/* Holds r twice, takes it a third time while the other thread waits for it. */
static void recursing(void *arg)
{
    recursion *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    wait_until_blocked(&s->t[1], 1);
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
}

static void waiting_for_rlock(void *arg)
{
    recursion *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&s->met, THRACE_FOREVER, NULL));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
}

TEST(no_report_for_rlock_recursion)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static recursion s;
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&s.r));
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&s.met, 3, NULL, NULL, THRACE_FOREVER));
    harness_capture_begin();
    run_pair(recursing, waiting_for_rlock, &s, &s.met, s.t);
    assert_nothing_reported();
}

typedef struct {
    thrace_lock l, m;
    bool times_out; /* how the first thread's wait for l ends */
    thrace_event l_taken, m_taken;
    thrace_thread *t[2];
} ended;

/* Waits for l, which the other thread holds, until it gives up or gets it;
 * then holds m until the other thread, holding l, waits for m. */
static void ended_first(void *arg)
{
    ended *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s->l_taken, 20.0));
    if (s->times_out) {
        ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&s->l, true, 0.01));
    } else {
        ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l, true, 20.0));
        ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l));
    }
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->m, true, THRACE_FOREVER));
    thrace_event_set(&s->m_taken);
    wait_until_blocked(&s->t[1], 1);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->m));
}

static void ended_second(void *arg)
{
    ended *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l, true, THRACE_FOREVER));
    thrace_event_set(&s->l_taken);
    if (!s->times_out) {
        wait_until_blocked(&s->t[0], 1);
        ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l));
    }
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s->m_taken, 20.0));
    if (!s->times_out)
        ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->m, true, 20.0));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->m));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l));
}

static void waits_end(ended *s, bool times_out)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s->l));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s->m));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s->l_taken));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s->m_taken));
    s->times_out = times_out;
    for (int i = 0; i < 2; i++)
        ASSERT_TRUE((s->t[i] = thrace_thread_new(i ? ended_second : ended_first, s, NULL)));
    for (int i = 0; i < 2; i++)
        ASSERT_CODE(THRACE_OK, thrace_thread_start(s->t[i]));
    for (int i = 0; i < 2; i++)
        join_and_unref(s->t[i]);
}

TEST(no_report_from_waits_that_ended)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static ended timed_out, acquired;
    harness_capture_begin();
    waits_end(&timed_out, true);
    waits_end(&acquired, false);
    assert_nothing_reported();
}

enum { ITEMS = 300 };

typedef struct {
    thrace_cond c;
    int queued; /* 0 or 1 item */
    int taken;
    thrace_thread *consumer;
} handoff;

static bool has_item(void *arg)
{
    return ((handoff *)arg)->queued == 1;
}

static bool is_empty(void *arg)
{
    return ((handoff *)arg)->queued == 0;
}

/* Puts ITEMS items one at a time; the first time, keeps the lock after
 * notifying until the consumer waits to take it back. */
static void produce(void *arg)
{
    handoff *s = arg;
    for (int i = 0; i < ITEMS; i++) {
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&s->c, true, THRACE_FOREVER));
        ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&s->c, is_empty, s, 20.0));
        s->queued = 1;
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&s->c, 1));
        if (i == 0)
            wait_until_blocked(&s->consumer, 1);
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&s->c));
    }
}

static void consume(void *arg)
{
    handoff *s = arg;
    for (int i = 0; i < ITEMS; i++) {
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&s->c, true, THRACE_FOREVER));
        ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&s->c, has_item, s, 20.0));
        s->queued = 0;
        s->taken++;
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&s->c, 1));
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&s->c));
    }
}

static void hand_over(handoff *s)
{
    s->consumer = spawn(consume, s);
    thrace_thread *producer = spawn(produce, s);
    join_and_unref(producer);
    join_and_unref(s->consumer);
    ASSERT_EQ(ITEMS, s->taken);
}

TEST(no_report_for_condition_wait_and_notify)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static thrace_lock l;
    static handoff over_lock, over_rlock;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&l));
    ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&over_lock.c, &l));
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&over_rlock.c));
    harness_capture_begin();
    hand_over(&over_lock);
    hand_over(&over_rlock);
    assert_nothing_reported();
}

/* ---- threads that end holding a lock ------------------------------------ */

typedef struct {
    thrace_lock cache_lock;
    thrace_event taken, go;
    thrace_thread *reader;
    int takes, waits; /* call lines */
} cache;

/* Thread-1: takes the cache's lock, and returns holding it once told to. */
static void refresh_and_leave(void *arg)
{
    cache *s = arg;
    s->takes = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->cache_lock, true, THRACE_FOREVER));
    thrace_event_set(&s->taken);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s->go, 20.0));
}

/* Thread-2: waits for the cache's lock. */
static void wait_for_cache(void *arg)
{
    cache *s = arg;
    s->waits = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->cache_lock, true, 20.0));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->cache_lock));
}

TEST(a_thread_ending_holding_a_lock_is_reported_with_its_waiters)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static cache s;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.cache_lock));
    ASSERT_CODE(THRACE_OK, thrace_name(&s.cache_lock, "cache_lock"));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s.taken));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s.go));
    harness_capture_begin();
    thrace_thread *refresh = spawn(refresh_and_leave, &s);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s.taken, 20.0));
    s.reader = spawn(wait_for_cache, &s);
    wait_until_blocked(&s.reader, 1);
    thrace_event_set(&s.go);
    join_and_unref(refresh);
    char *report = harness_capture_end();
    /* A Lock, which any thread may release: the reader gets it now. */
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s.cache_lock));
    join_and_unref(s.reader);
    char p[3][160];
    snprintf(p[0], sizeof p[0],
             "thrace: leak: Thread-1 ended holding cache_lock (pid %ld, at *.?????? s)",
             (long)getpid());
    snprintf(p[1], sizeof p[1],
             "thrace:   cache_lock taken at *.?????? s at test_deadlock.c:%d in "
             "refresh_and_leave(), never released",
             s.takes);
    snprintf(p[2], sizeof p[2],
             "thrace:   Thread-2 waits for it since *.?????? s at test_deadlock.c:%d in "
             "wait_for_cache()",
             s.waits);
    expect_lines(report, (const char *const[]){p[0], p[1], p[2]}, 3);
    /* Ended after it took the lock, and after the reader began to wait. */
    ASSERT_TRUE(number_after(report, 0, "at ") >= number_after(report, 1, "taken at "));
    ASSERT_TRUE(number_after(report, 0, "at ") >= number_after(report, 2, "since "));
    free(report);
}

typedef struct {
    thrace_rlock tree_lock;
    thrace_lock other;
    int takes_tree, takes_other; /* call lines */
} tree;

/* Takes the tree's RLock at each level; an error at depth 2 leaves every
 * level without releasing. */
static bool visit(tree *s, int depth)
{
    s->takes_tree = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->tree_lock, true, THRACE_FOREVER));
    if (depth == 2 || !visit(s, depth + 1))
        return false;
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->tree_lock));
    return true;
}

/* Thread-1: leaves the RLock at depth 3, then takes the Lock and returns. */
static void walk_and_leave(void *arg)
{
    tree *s = arg;
    ASSERT_TRUE(!visit(s, 0));
    s->takes_other = __LINE__ + 1;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->other, true, THRACE_FOREVER));
}

TEST(a_thread_ending_holding_an_rlock_and_a_lock_is_reported_per_hold_oldest_first)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static tree s;
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&s.tree_lock));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.other));
    harness_capture_begin();
    join_and_unref(spawn(walk_and_leave, &s));
    char *report = harness_capture_end();
    char p[4][160];
    snprintf(p[0], sizeof p[0], "thrace: leak: Thread-1 ended holding RLock-1 (pid %ld, at * s)",
             (long)getpid());
    snprintf(p[1], sizeof p[1],
             "thrace:   RLock-1 taken at * s at test_deadlock.c:%d in visit(), never released "
             "(depth 3)",
             s.takes_tree);
    snprintf(p[2], sizeof p[2], "thrace: leak: Thread-1 ended holding Lock-2 (pid %ld, at * s)",
             (long)getpid());
    snprintf(p[3], sizeof p[3],
             "thrace:   Lock-2 taken at * s at test_deadlock.c:%d in walk_and_leave(), never "
             "released",
             s.takes_other);
    expect_lines(report, (const char *const[]){p[0], p[1], p[2], p[3]}, 4);
    free(report);
}

typedef struct {
    thrace_lock given_back, signal;
    thrace_rlock twice;
    thrace_sem permits;
    thrace_event signal_taken, signal_given;
} tidy;

/* Gives back all it takes, but a permit (no ownership) and a Lock that
 * another thread releases while it runs. */
static void tidy_worker(void *arg)
{
    tidy *s = arg;
    THRACE_WITH (&s->given_back) {
    }
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->twice, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->twice, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->twice));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->twice));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s->permits, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->signal, true, THRACE_FOREVER));
    thrace_event_set(&s->signal_taken);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s->signal_given, 20.0));
}

TEST(no_report_from_threads_ending_with_only_permits_or_main_holding)
{
    IN_FRESH_PROCESS("THRACE_DEADLOCK=1");
    static tidy s;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.given_back));
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.signal));
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&s.twice));
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s.permits, 1));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s.signal_taken));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s.signal_given));
    harness_capture_begin();
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s.given_back, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s.given_back));
    thrace_thread *worker = spawn(tidy_worker, &s);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s.signal_taken, 20.0));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s.signal)); /* for it, as Python allows */
    thrace_event_set(&s.signal_given);
    join_and_unref(worker);
    /* The main thread holds one at exit: Python's exit leaves it so. */
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s.given_back, true, THRACE_FOREVER));
    assert_nothing_reported();
}

/* ---- the stall watchdog ------------------------------------------------- */

/* Sleeps 0.6 s: three stall timeouts. */
static void nap(void *arg)
{
    (void)arg;
    thrace_sleep(0.6);
}

static void sleep_forever(void *arg)
{
    (void)arg;
    for (;;)
        thrace_sleep(0.01);
}

TEST(stall_is_written_once_when_every_non_daemon_thread_blocks)
{
    WATCHED_IN_FRESH_PROCESS(true);
    /* A daemon thread does not count, even one that is not blocked. */
    thrace_thread *daemon =
        thrace_thread_new(sleep_forever, NULL, &(thrace_thread_opts){NULL, THRACE_DAEMON});
    ASSERT_TRUE(daemon != NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(daemon));
    thrace_thread_unref(daemon);
    /* Nor does a thread that ended. */
    join_and_unref(spawn(nap, NULL));
    /* Blocked on each other's locks for 1.5 s, the main thread joining them
     * at exit; the watchdog says it once, after 0.2 s. */
    static abba s;
    thrace_thread *workers[2];
    abba_start(&s, 1.5, workers);
    thrace_thread_unref(workers[0]);
    thrace_thread_unref(workers[1]);
}

TEST(no_stall_while_a_thread_sleeps)
{
    WATCHED_IN_FRESH_PROCESS(false);
    join_and_unref(spawn(nap, NULL));
}

static void wait_for_event(void *arg)
{
    ASSERT_CODE(THRACE_OK, thrace_event_wait(arg, 20.0));
}

TEST(no_stall_while_another_thread_runs)
{
    WATCHED_IN_FRESH_PROCESS(false);
    static thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    thrace_thread *t = spawn(wait_for_event, &e);
    double until = harness_now() + 0.6;
    while (harness_now() < until)
        continue; /* running, never waiting */
    thrace_event_set(&e);
    join_and_unref(t);
}

static void fire(void *arg)
{
    *(bool *)arg = true;
}

TEST(no_stall_while_a_timer_waits_its_interval)
{
    WATCHED_IN_FRESH_PROCESS(false);
    static bool fired;
    thrace_thread *timer = thrace_timer_new(0.6, fire, &fired, NULL);
    ASSERT_TRUE(timer != NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(timer));
    join_and_unref(timer);
    ASSERT_TRUE(fired);
}
