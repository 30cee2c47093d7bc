/*
 * test_time.c - what thrace promises about time: thrace_sleep's length (its
 * arguments are test_sleep.c's), and that
 * every wait is measured on CLOCK_MONOTONIC with an absolute deadline, so
 * that neither signals (a handler installed without SA_RESTART, sent again
 * and again to the waiting thread) nor a step of the wall clock shortens or
 * extends it. Timing is the subject here, so the helpers pace themselves
 * with naps on CLOCK_MONOTONIC; the waits under test are timed in a band.
 *
 * The wall-clock cases step CLOCK_REALTIME by an hour. A separate guardian
 * process does the stepping and puts the clock back (to CLOCK_MONOTONIC now
 * plus the offset it measured before changing anything) before the case
 * asserts, and also when the case dies: it restores as soon as its pipe
 * closes or its hold ends, whichever comes first.
 */
#define _GNU_SOURCE
#include "sync_util.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Sleeps on CLOCK_MONOTONIC without thrace (signals may cut it: fine here). */
static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - floor(seconds)) * 1e9)};
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

static void event_init(thrace_event *e)
{
    ASSERT_CODE(THRACE_OK, thrace_event_init(e));
}

/* ------------------------------------------------------------------------ */
/* thrace_sleep                                                              */
/* ------------------------------------------------------------------------ */

TEST(sleep_sleeps_for_about_the_given_time)
{
    double t0 = harness_now();
    thrace_sleep(0.2);
    ASSERT_DURATION(0.2, harness_now() - t0);
    t0 = harness_now();
    thrace_sleep(0.05);
    ASSERT_DURATION(0.05, harness_now() - t0);
}

/* ------------------------------------------------------------------------ */
/* Signals                                                                   */
/* ------------------------------------------------------------------------ */

static int signals_seen;

static void on_usr1(int sig)
{
    (void)sig;
    __atomic_add_fetch(&signals_seen, 1, __ATOMIC_RELAXED);
}

static int seen(void)
{
    return __atomic_load_n(&signals_seen, __ATOMIC_RELAXED);
}

/* A raw pthread that sends SIGUSR1 to target every 5 ms until stopped. */
typedef struct {
    pthread_t target, self;
    int stop;
    int sent;
} pelter;

static void *pelt(void *arg)
{
    pelter *p = arg;
    while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
        if (pthread_kill(p->target, SIGUSR1) == 0)
            __atomic_add_fetch(&p->sent, 1, __ATOMIC_RELAXED);
        nap(0.005);
    }
    return NULL;
}

static void pelter_start(pelter *p, pthread_t target)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: interrupted system calls fail with EINTR */
    ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
    p->target = target;
    p->stop = 0;
    p->sent = 0;
    ASSERT_EQ(0, pthread_create(&p->self, NULL, pelt, p));
}

static void pelter_stop(pelter *p)
{
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
    ASSERT_EQ(0, pthread_join(p->self, NULL));
}

/* Runs op under a stream of signals; returns its result and duration. */
static int under_signals(int (*op)(void *), void *ctx, double *seconds)
{
    pelter p;
    int before = seen();
    pelter_start(&p, pthread_self());
    double t0 = harness_now();
    int rc = op(ctx);
    *seconds = harness_now() - t0;
    pelter_stop(&p);
    /* TSan defers a handler until its next interceptor: count what was sent */
    if (p.sent < 10 || seen() == before)
        harness_fail(__FILE__, __LINE__, "%d signals sent and %d handled during the wait", p.sent,
                     seen() - before);
    return rc;
}

static int event_wait_03(void *ctx)
{
    return thrace_event_wait(ctx, 0.3);
}

TEST(a_signal_does_not_cut_short_a_timed_event_wait)
{
    thrace_event e;
    event_init(&e);
    double took;
    ASSERT_CODE(THRACE_TIMEOUT, under_signals(event_wait_03, &e, &took));
    ASSERT_DURATION(0.3, took);
}

static int cond_wait_03(void *ctx)
{
    thrace_cond *c = ctx;
    int rc = thrace_cond_acquire(c, true, THRACE_FOREVER);
    if (rc == THRACE_OK)
        rc = thrace_cond_wait(c, 0.3);
    thrace_cond_release(c);
    return rc;
}

static bool never_true(void *arg)
{
    (void)arg;
    return false;
}

static int cond_wait_for_03(void *ctx)
{
    thrace_cond *c = ctx;
    int rc = thrace_cond_acquire(c, true, THRACE_FOREVER);
    if (rc == THRACE_OK)
        rc = thrace_cond_wait_for(c, never_true, NULL, 0.3);
    thrace_cond_release(c);
    return rc;
}

TEST(a_signal_does_not_cut_short_a_timed_condition_wait)
{
    thrace_cond c;
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&c));
    double took;
    ASSERT_CODE(THRACE_TIMEOUT, under_signals(cond_wait_03, &c, &took));
    ASSERT_DURATION(0.3, took);
    ASSERT_CODE(THRACE_TIMEOUT, under_signals(cond_wait_for_03, &c, &took));
    ASSERT_DURATION(0.3, took);
    thrace_cond_destroy(&c);
}

static int lock_acquire_03(void *ctx)
{
    return thrace_lock_acquire(ctx, true, 0.3);
}

TEST(a_signal_does_not_cut_short_a_timed_lock_acquire)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    double took;
    ASSERT_CODE(THRACE_TIMEOUT, under_signals(lock_acquire_03, &l, &took));
    ASSERT_DURATION(0.3, took);
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    thrace_lock_destroy(&l);
}

static int sem_acquire_03(void *ctx)
{
    return thrace_sem_acquire(ctx, true, 0.3);
}

TEST(a_signal_does_not_cut_short_a_timed_semaphore_acquire)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 0));
    double took;
    ASSERT_CODE(THRACE_TIMEOUT, under_signals(sem_acquire_03, &s, &took));
    ASSERT_DURATION(0.3, took);
    thrace_sem_destroy(&s);
}

static int sleep_03(void *ctx)
{
    (void)ctx;
    thrace_sleep(0.3);
    return THRACE_OK;
}

TEST(a_signal_does_not_cut_short_a_sleep)
{
    double took;
    ASSERT_CODE(THRACE_OK, under_signals(sleep_03, NULL, &took));
    ASSERT_DURATION(0.3, took);
}

static int join_03(void *ctx)
{
    return thrace_thread_join(ctx, 0.3);
}

TEST(a_signal_does_not_cut_short_a_timed_join)
{
    thrace_event go;
    event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    double took;
    ASSERT_CODE(THRACE_TIMEOUT, under_signals(join_03, t, &took));
    ASSERT_DURATION(0.3, took);
    ASSERT_TRUE(thrace_thread_is_alive(t));
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    thrace_thread_unref(t);
}

/* Untimed waits: a raw pthread ends them only after many signals arrived. */
typedef struct {
    void (*release)(void *);
    void *ctx;
    int baseline; /* signals seen before */
    int released; /* set just before release is called */
} releaser;

static void *release_after_signals(void *arg)
{
    releaser *r = arg;
    double give_up = harness_now() + 1.0;
    while (seen() - r->baseline < 30 && harness_now() < give_up)
        nap(0.005);
    __atomic_store_n(&r->released, 1, __ATOMIC_RELEASE);
    r->release(r->ctx);
    return NULL;
}

/* Runs op (untimed) under signals; checks that only release ended it. */
static int untimed_under_signals(int (*op)(void *), void (*release)(void *), void *ctx)
{
    releaser r = {release, ctx, seen(), 0};
    pthread_t p;
    ASSERT_EQ(0, pthread_create(&p, NULL, release_after_signals, &r));
    double took;
    int rc = under_signals(op, ctx, &took);
    int released = __atomic_load_n(&r.released, __ATOMIC_ACQUIRE);
    ASSERT_EQ(0, pthread_join(p, NULL));
    ASSERT_TRUE(released); /* returned only once released */
    return rc;
}

static int event_wait_forever(void *ctx)
{
    return thrace_event_wait(ctx, THRACE_FOREVER);
}

static void event_set(void *ctx)
{
    thrace_event_set(ctx);
}

TEST(an_untimed_event_wait_is_not_ended_by_signals)
{
    thrace_event e;
    event_init(&e);
    ASSERT_CODE(THRACE_OK, untimed_under_signals(event_wait_forever, event_set, &e));
}

static int lock_acquire_forever(void *ctx)
{
    return thrace_lock_acquire(ctx, true, THRACE_FOREVER);
}

static void lock_release(void *ctx)
{
    thrace_lock_release(ctx);
}

TEST(an_untimed_lock_acquire_is_not_ended_by_signals)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, untimed_under_signals(lock_acquire_forever, lock_release, &l));
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

typedef struct {
    thrace_cond cond;
    bool ready;
} flagged_cond;

static int cond_wait_forever_for_ready(void *ctx)
{
    flagged_cond *f = ctx;
    thrace_cond_acquire(&f->cond, true, THRACE_FOREVER);
    int rc = THRACE_OK;
    while (rc == THRACE_OK && !f->ready)
        rc = thrace_cond_wait(&f->cond, THRACE_FOREVER);
    /* a wake without notify would have been seen as an early return here */
    thrace_cond_release(&f->cond);
    return rc;
}

static int cond_wait_forever_once(void *ctx)
{
    flagged_cond *f = ctx;
    thrace_cond_acquire(&f->cond, true, THRACE_FOREVER);
    int rc = thrace_cond_wait(&f->cond, THRACE_FOREVER); /* no loop: no spurious wakes */
    thrace_cond_release(&f->cond);
    return rc;
}

static void cond_notify_ready(void *ctx)
{
    flagged_cond *f = ctx;
    thrace_cond_acquire(&f->cond, true, THRACE_FOREVER);
    f->ready = true;
    thrace_cond_notify_all(&f->cond);
    thrace_cond_release(&f->cond);
}

TEST(an_untimed_condition_wait_is_not_ended_by_signals)
{
    flagged_cond f = {.ready = false};
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&f.cond));
    ASSERT_CODE(THRACE_OK, untimed_under_signals(cond_wait_forever_once, cond_notify_ready, &f));
    f.ready = false;
    ASSERT_CODE(THRACE_OK,
                untimed_under_signals(cond_wait_forever_for_ready, cond_notify_ready, &f));
    thrace_cond_destroy(&f.cond);
}

typedef struct {
    thrace_event go;
    thrace_thread *t;
} held_thread;

static int join_forever(void *ctx)
{
    return thrace_thread_join(((held_thread *)ctx)->t, THRACE_FOREVER);
}

static void let_go(void *ctx)
{
    thrace_event_set(&((held_thread *)ctx)->go);
}

TEST(an_untimed_join_is_not_ended_by_signals)
{
    held_thread h;
    event_init(&h.go);
    h.t = spawn(wait_forever_on, &h.go);
    ASSERT_CODE(THRACE_OK, untimed_under_signals(join_forever, let_go, &h));
    ASSERT_FALSE(thrace_thread_is_alive(h.t));
    thrace_thread_unref(h.t);
}

/* ------------------------------------------------------------------------ */
/* Wall clock steps                                                          */
/* ------------------------------------------------------------------------ */

static double clock_seconds(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct timespec to_timespec(double s)
{
    double whole = floor(s);
    struct timespec t = {(time_t)whole, (long)((s - whole) * 1e9)};
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, read as tightly as we can. */
static double realtime_offset(void)
{
    double best_gap = INFINITY, offset = 0;
    for (int i = 0; i < 5; i++) {
        double m0 = clock_seconds(CLOCK_MONOTONIC);
        double r = clock_seconds(CLOCK_REALTIME);
        double m1 = clock_seconds(CLOCK_MONOTONIC);
        if (m1 - m0 < best_gap) {
            best_gap = m1 - m0;
            offset = r - (m0 + m1) / 2;
        }
    }
    return offset;
}

/*
 * The guardian: waits for 'a' (the wait has been armed), naps 0.1 s, steps
 * the wall clock by `step`, holds it there until 'd' (the wait is done), EOF
 * or `hold` seconds, then restores it. Reports 'S' (stepped) or 'E' and an
 * errno byte, then 'R' (restored).
 */
static void guardian(int in, int out, double step, double hold)
{
    double offset = realtime_offset();
    char c;
    if (read(in, &c, 1) != 1)
        _exit(0);
    nap(0.1);
    struct timespec moved = to_timespec(clock_seconds(CLOCK_MONOTONIC) + offset + step);
    if (clock_settime(CLOCK_REALTIME, &moved) != 0) {
        char report[2] = {'E', (char)errno};
        (void)!write(out, report, 2);
        _exit(0);
    }
    (void)!write(out, "S", 1);
    struct pollfd p = {in, POLLIN, 0};
    poll(&p, 1, (int)(hold * 1000));
    struct timespec back = to_timespec(clock_seconds(CLOCK_MONOTONIC) + offset);
    int rc = clock_settime(CLOCK_REALTIME, &back);
    (void)!write(out, rc == 0 ? "R" : "F", 1);
    _exit(0);
}

typedef struct {
    pid_t pid;
    int to, from;
} guard;

/* Forks the guardian; call before the case starts any thread. */
static guard guard_start(double step, double hold)
{
    int down[2], up[2];
    signal(SIGPIPE, SIG_IGN); /* the guardian may be gone when we report */
    ASSERT_EQ(0, pipe(down));
    ASSERT_EQ(0, pipe(up));
    fflush(stdout);
    pid_t pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        alarm(20);
        close(down[1]);
        close(up[0]);
        guardian(down[0], up[1], step, hold);
    }
    close(down[0]);
    close(up[1]);
    return (guard){pid, down[1], up[0]};
}

/* Ends the guardian once the clock is back; skips the case when it could
 * not step (nothing to put back then). */
static void guard_end(guard *g)
{
    (void)!write(g->to, "d", 1);
    close(g->to);
    char report[8] = "";
    size_t len = 0;
    ssize_t n;
    while (len < sizeof report - 1 &&
           (n = read(g->from, report + len, sizeof report - 1 - len)) > 0)
        len += (size_t)n;
    close(g->from);
    int status;
    ASSERT_EQ(g->pid, waitpid(g->pid, &status, 0));
    if (report[0] == 'E' && (report[1] == EPERM || report[1] == EACCES))
        SKIP("clock_settime(CLOCK_REALTIME) is not permitted here");
    if (report[0] != 'S' || report[1] != 'R')
        harness_fail(__FILE__, __LINE__, "guardian report \"%s\" (want \"SR\")", report);
}

/* Runs a 0.5 s wait while the wall clock steps by `step` 0.1 s into it. */
static void check_wall_clock_step(double step, int (*op)(void *), void *ctx, int expected)
{
    /* forward: a wall-clock wait would end at the step; back: hold long
     * enough that a wall-clock wait would end past the band (5.05 s) */
    guard g = guard_start(step, step > 0 ? 0.1 : 6.0);
    (void)!write(g.to, "a", 1);
    double t0 = harness_now();
    int rc = op(ctx);
    double took = harness_now() - t0;
    guard_end(&g); /* restores the clock before any assertion */
    ASSERT_CODE(expected, rc);
    ASSERT_DURATION(0.5, took);
}

static int event_wait_05(void *ctx)
{
    return thrace_event_wait(ctx, 0.5);
}

TEST(a_wall_clock_step_forward_does_not_shorten_an_event_wait)
{
    thrace_event e;
    event_init(&e);
    check_wall_clock_step(3600, event_wait_05, &e, THRACE_TIMEOUT);
}

TEST(a_wall_clock_step_back_does_not_extend_an_event_wait)
{
    thrace_event e;
    event_init(&e);
    check_wall_clock_step(-3600, event_wait_05, &e, THRACE_TIMEOUT);
}

static int lock_acquire_05(void *ctx)
{
    return thrace_lock_acquire(ctx, true, 0.5);
}

TEST(a_wall_clock_step_forward_does_not_shorten_a_lock_acquire)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    check_wall_clock_step(3600, lock_acquire_05, &l, THRACE_TIMEOUT);
}

TEST(a_wall_clock_step_back_does_not_extend_a_lock_acquire)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    check_wall_clock_step(-3600, lock_acquire_05, &l, THRACE_TIMEOUT);
}

static int cond_wait_05(void *ctx)
{
    thrace_cond *c = ctx;
    thrace_cond_acquire(c, true, THRACE_FOREVER);
    int rc = thrace_cond_wait(c, 0.5);
    thrace_cond_release(c);
    return rc;
}

TEST(a_wall_clock_step_back_does_not_extend_a_condition_wait)
{
    thrace_cond c;
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&c));
    check_wall_clock_step(-3600, cond_wait_05, &c, THRACE_TIMEOUT);
    thrace_cond_destroy(&c);
}

static int sleep_05(void *ctx)
{
    (void)ctx;
    thrace_sleep(0.5);
    return THRACE_OK;
}

TEST(a_wall_clock_step_forward_does_not_shorten_a_sleep)
{
    check_wall_clock_step(3600, sleep_05, NULL, THRACE_OK);
}

static int join_05(void *ctx)
{
    return thrace_thread_join(((held_thread *)ctx)->t, 0.5);
}

TEST(a_wall_clock_step_back_does_not_extend_a_join)
{
    held_thread h;
    event_init(&h.go);
    guard g = guard_start(-3600, 6.0); /* forked before the thread starts */
    h.t = spawn(wait_forever_on, &h.go);
    (void)!write(g.to, "a", 1);
    double t0 = harness_now();
    int rc = join_05(&h);
    double took = harness_now() - t0;
    guard_end(&g);
    thrace_event_set(&h.go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(h.t, THRACE_FOREVER));
    thrace_thread_unref(h.t);
    ASSERT_CODE(THRACE_TIMEOUT, rc);
    ASSERT_DURATION(0.5, took);
}
