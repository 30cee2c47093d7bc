/*
 * test_thread.c - Python's Thread in C: names, daemon flags, start, join,
 * is_alive, ident and native_id, current_thread, main_thread, Dummy-N
 * threads, enumerate and active_count. Each case is a fresh process, so the
 * name counter starts at 1 in every case. Threads are held with events,
 * never with sleeps; the timed joins are the only timing assertions.
 */
#define _GNU_SOURCE
#include "sync_util.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

static void do_nothing(void *arg)
{
    (void)arg;
}

/* Whether t is in the list enumerate returns (references dropped again). */
static bool is_enumerated(thrace_thread *t)
{
    thrace_thread *all[64];
    size_t n = thrace_enumerate(all, 64);
    ASSERT_TRUE(n <= 64);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        found = found || all[i] == t;
        thrace_thread_unref(all[i]);
    }
    return found;
}

/* A raw pthread that asks for its thrace handle: a Dummy-N thread. */
typedef struct {
    thrace_thread *self;  /* a reference of our own, kept after it exits */
    thrace_thread *again; /* current_thread called a second time */
    unsigned long pthread_id;
    long tid;
    thrace_event known; /* set once self is filled in */
    thrace_event leave; /* the raw thread exits once this is set */
} foreign;

static void *foreign_main(void *arg)
{
    foreign *f = arg;
    thrace_thread *me = thrace_current_thread();
    f->self = me ? thrace_thread_ref(me) : NULL;
    f->again = thrace_current_thread();
    f->pthread_id = (unsigned long)pthread_self();
    f->tid = gettid();
    thrace_event_set(&f->known);
    thrace_event_wait(&f->leave, THRACE_FOREVER);
    return NULL;
}

static pthread_t foreign_start(foreign *f)
{
    memset(f, 0, sizeof *f);
    thrace_event_init(&f->known);
    thrace_event_init(&f->leave);
    pthread_t p;
    ASSERT_EQ(0, pthread_create(&p, NULL, foreign_main, f));
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&f->known, THRACE_FOREVER));
    ASSERT_TRUE(f->self != NULL);
    return p;
}

static void foreign_end(foreign *f, pthread_t p)
{
    thrace_event_set(&f->leave);
    ASSERT_EQ(0, pthread_join(p, NULL));
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

TEST(unnamed_threads_are_named_thread_1_thread_2_counting_from_one)
{
    thrace_thread *a = thrace_thread_new(do_nothing, NULL, NULL);
    thrace_thread *b = thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){NULL, 0});
    thrace_thread *c = thrace_thread_new(NULL, NULL, NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(a));
    ASSERT_STR_EQ("Thread-2", thrace_thread_name(b));
    ASSERT_STR_EQ("Thread-3", thrace_thread_name(c));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(b));
    join_and_unref(b);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(a));
    thrace_thread_unref(a);
    thrace_thread_unref(c);
}

TEST(a_named_thread_does_not_consume_a_number)
{
    thrace_thread *named = thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){"worker", 0});
    thrace_thread *first = thrace_thread_new(do_nothing, NULL, NULL);
    thrace_thread *named2 = thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){"x", 0});
    thrace_thread *second = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("worker", thrace_thread_name(named));
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(first));
    ASSERT_STR_EQ("x", thrace_thread_name(named2));
    ASSERT_STR_EQ("Thread-2", thrace_thread_name(second));
    thrace_thread_unref(named);
    thrace_thread_unref(first);
    thrace_thread_unref(named2);
    thrace_thread_unref(second);
}

TEST(an_empty_name_generates_a_thread_n_name)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){"", 0});
    ASSERT_TRUE(t != NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(t));
    thrace_thread_unref(t);
}

TEST(the_given_name_is_copied)
{
    char name[16] = "mine";
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){name, 0});
    strcpy(name, "changed");
    ASSERT_STR_EQ("mine", thrace_thread_name(t));
    thrace_thread_unref(t);
}

TEST(threads_timers_and_dummy_threads_share_one_name_counter)
{
    thrace_thread *t1 = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(t1));
    foreign f;
    pthread_t p = foreign_start(&f);
    ASSERT_STR_EQ("Dummy-2", thrace_thread_name(f.self));
    thrace_thread *t3 = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-3", thrace_thread_name(t3));
    thrace_thread *timer = thrace_timer_new(1.0, do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-4", thrace_thread_name(timer));
    thrace_thread *t5 = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-5", thrace_thread_name(t5));
    foreign_end(&f, p);
    thrace_thread_unref(f.self);
    thrace_thread_unref(t1);
    thrace_thread_unref(t3);
    thrace_thread_unref(timer);
    thrace_thread_unref(t5);
}

TEST(main_thread_is_named_mainthread_and_is_not_a_daemon)
{
    thrace_thread *m = thrace_main_thread();
    ASSERT_TRUE(m != NULL);
    ASSERT_STR_EQ("MainThread", thrace_thread_name(m));
    ASSERT_FALSE(thrace_thread_is_daemon(m));
    ASSERT_TRUE(thrace_thread_is_alive(m));
    ASSERT_TRUE(thrace_current_thread() == m);
    ASSERT_EQ((unsigned long)pthread_self(), thrace_thread_ident(m));
    /* MainThread does not consume a number */
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(t));
    thrace_thread_unref(t);
}

TEST(main_thread_native_id_is_the_kernel_id_of_the_calling_main_thread)
{
    /* Each case runs in a forked child: the main thread's kernel id is now
     * this process's pid, not the one the library saw when it was loaded. */
    ASSERT_EQ(gettid(), thrace_thread_native_id(thrace_main_thread()));
}

TEST(main_thread_ref_and_unref_are_harmless)
{
    thrace_thread *m = thrace_main_thread();
    ASSERT_TRUE(thrace_thread_ref(m) == m);
    thrace_thread_unref(m);
    thrace_thread_unref(m);
    thrace_thread_unref(NULL);
    ASSERT_STR_EQ("MainThread", thrace_thread_name(thrace_main_thread()));
}

/* ------------------------------------------------------------------------ */
/* Daemon flags                                                              */
/* ------------------------------------------------------------------------ */

TEST(a_thread_created_by_main_is_not_a_daemon)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_FALSE(thrace_thread_is_daemon(t));
    thrace_thread *z = thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){NULL, 0});
    ASSERT_FALSE(thrace_thread_is_daemon(z));
    thrace_thread_unref(t);
    thrace_thread_unref(z);
}

TEST(opts_daemon_overrides_the_inherited_flag)
{
    thrace_thread *d =
        thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){NULL, THRACE_DAEMON});
    thrace_thread *n =
        thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){NULL, THRACE_NOT_DAEMON});
    ASSERT_TRUE(thrace_thread_is_daemon(d));
    ASSERT_FALSE(thrace_thread_is_daemon(n));
    thrace_thread_unref(d);
    thrace_thread_unref(n);
}

typedef struct {
    bool inherit, forced_daemon, forced_not_daemon;
    thrace_thread *made; /* created here, started by main */
} daemon_probe;

static void make_children(void *arg)
{
    daemon_probe *p = arg;
    thrace_thread *a = thrace_thread_new(do_nothing, NULL, NULL);
    thrace_thread *b =
        thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){NULL, THRACE_DAEMON});
    thrace_thread *c =
        thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){NULL, THRACE_NOT_DAEMON});
    p->inherit = thrace_thread_is_daemon(a);
    p->forced_daemon = thrace_thread_is_daemon(b);
    p->forced_not_daemon = thrace_thread_is_daemon(c);
    p->made = a;
    thrace_thread_unref(b);
    thrace_thread_unref(c);
}

TEST(a_thread_created_inside_a_daemon_thread_is_a_daemon)
{
    daemon_probe p = {0};
    thrace_thread *d =
        thrace_thread_new(make_children, &p, &(thrace_thread_opts){NULL, THRACE_DAEMON});
    ASSERT_CODE(THRACE_OK, thrace_thread_start(d));
    join_and_unref(d);
    ASSERT_TRUE(p.inherit);
    ASSERT_TRUE(p.forced_daemon);
    ASSERT_FALSE(p.forced_not_daemon);
    /* inherited from the creator, not from the thread that starts it */
    ASSERT_CODE(THRACE_OK, thrace_thread_start(p.made));
    ASSERT_TRUE(thrace_thread_is_daemon(p.made));
    join_and_unref(p.made);
}

TEST(a_thread_created_inside_a_non_daemon_thread_is_not_a_daemon)
{
    daemon_probe p = {0};
    thrace_thread *t = spawn(make_children, &p);
    join_and_unref(t);
    ASSERT_FALSE(p.inherit);
    ASSERT_TRUE(p.forced_daemon);
    ASSERT_FALSE(p.forced_not_daemon);
    thrace_thread_unref(p.made);
}

TEST(an_invalid_opts_daemon_gives_null_with_einval)
{
    int bad[] = {3, -1, 42};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        ASSERT_TRUE(thrace_thread_new(do_nothing, NULL, &(thrace_thread_opts){"x", bad[i]}) ==
                    NULL);
        ASSERT_EQ(EINVAL, errno);
    }
    /* the failed calls generated no name */
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(t));
    thrace_thread_unref(t);
}

TEST(set_daemon_before_start_changes_the_flag)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_set_daemon(t, true));
    ASSERT_TRUE(thrace_thread_is_daemon(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_set_daemon(t, false));
    ASSERT_FALSE(thrace_thread_is_daemon(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_set_daemon(t, true));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_TRUE(thrace_thread_is_daemon(t));
    join_and_unref(t);
}

TEST(set_daemon_after_start_is_estate_even_once_finished)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_set_daemon(t, true));
    ASSERT_FALSE(thrace_thread_is_daemon(t));
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_set_daemon(t, true));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_set_daemon(t, false));
    ASSERT_FALSE(thrace_thread_is_daemon(t));
    thrace_thread_unref(t);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_set_daemon(thrace_main_thread(), true));
    ASSERT_FALSE(thrace_thread_is_daemon(thrace_main_thread()));
}

/* ------------------------------------------------------------------------ */
/* start                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_event entered, go;
    thrace_thread *current;
    unsigned long pthread_id;
    long tid;
    void *arg_seen;
} probe;

static void probe_main(void *arg)
{
    probe *p = arg;
    p->current = thrace_current_thread();
    p->pthread_id = (unsigned long)pthread_self();
    p->tid = gettid();
    p->arg_seen = arg;
    thrace_event_set(&p->entered);
    thrace_event_wait(&p->go, THRACE_FOREVER);
}

static void probe_init(probe *p)
{
    memset(p, 0, sizeof *p);
    thrace_event_init(&p->entered);
    thrace_event_init(&p->go);
}

TEST(ident_and_native_id_are_zero_and_is_alive_false_before_start)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_EQ(0, thrace_thread_ident(t));
    ASSERT_EQ(0, thrace_thread_native_id(t));
    ASSERT_FALSE(thrace_thread_is_alive(t));
    ASSERT_FALSE(is_enumerated(t));
    ASSERT_EQ(1, thrace_active_count());
    thrace_thread_unref(t);
}

TEST(start_returns_once_the_thread_is_alive_with_ident_native_id_and_listed)
{
    probe p;
    probe_init(&p);
    thrace_thread *t = thrace_thread_new(probe_main, &p, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    /* checked before anything else; the thread is held on p.go */
    ASSERT_TRUE(thrace_thread_is_alive(t));
    ASSERT_TRUE(thrace_thread_ident(t) != 0);
    ASSERT_TRUE(thrace_thread_native_id(t) > 0);
    ASSERT_TRUE(is_enumerated(t));
    ASSERT_EQ(2, thrace_active_count());
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&p.entered, THRACE_FOREVER));
    ASSERT_TRUE(p.current == t);
    ASSERT_TRUE(p.arg_seen == &p);
    ASSERT_EQ(p.pthread_id, thrace_thread_ident(t));
    ASSERT_EQ(p.tid, thrace_thread_native_id(t));
    ASSERT_TRUE(p.tid != gettid());
    ASSERT_TRUE(thrace_thread_is_alive(t));
    thrace_event_set(&p.go);
    join_and_unref(t);
}

TEST(starting_a_thread_twice_is_estate_also_after_it_finished)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_start(t));
    ASSERT_EQ(2, thrace_active_count());
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_start(t));
    ASSERT_FALSE(thrace_thread_is_alive(t));
    ASSERT_EQ(1, thrace_active_count());
    thrace_thread_unref(t);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_start(thrace_main_thread()));
}

static int ran_count;

static void count_run(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&ran_count, 1, __ATOMIC_RELAXED);
}

TEST(a_thread_runs_its_target_once_and_a_null_target_does_nothing)
{
    thrace_thread *t = spawn(count_run, NULL);
    join_and_unref(t);
    ASSERT_EQ(1, __atomic_load_n(&ran_count, __ATOMIC_RELAXED));
    thrace_thread *n = spawn(NULL, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(n, THRACE_FOREVER));
    ASSERT_FALSE(thrace_thread_is_alive(n));
    thrace_thread_unref(n);
    ASSERT_EQ(1, __atomic_load_n(&ran_count, __ATOMIC_RELAXED));
}

static void set_event(void *arg)
{
    thrace_event_set(arg);
}

TEST(unref_right_after_start_lets_the_thread_run_to_the_end)
{
    static thrace_event go, done; /* outlive the case: exit joins t after it returns */
    thrace_event_init(&go);
    thrace_event_init(&done);
    thrace_thread *t = spawn(wait_forever_on, &go);
    thrace_thread_unref(t);
    thrace_thread *u = spawn(set_event, &done);
    thrace_thread_unref(u);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&done, THRACE_FOREVER));
    thrace_event_set(&go); /* exit joins t */
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/* Address space now in use, in bytes. */
static rlim_t address_space_in_use(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    ASSERT_TRUE(f != NULL);
    ASSERT_EQ(1, fscanf(f, "%lu", &pages));
    fclose(f);
    return (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
}

/* Sanitizers reserve their shadow memory as address space: normal build only. */
TEST(a_start_that_cannot_create_a_thread_is_enomem_and_stays_startable)
{
    thrace_thread *t = thrace_thread_new(count_run, NULL, NULL);
    /* no thread before this one: glibc would reuse its cached stack */
    struct rlimit old;
    ASSERT_EQ(0, getrlimit(RLIMIT_AS, &old));
    struct rlimit low = {address_space_in_use() + 64 * 1024, old.rlim_max};
    ASSERT_EQ(0, setrlimit(RLIMIT_AS, &low));
    int rc = thrace_thread_start(t); /* no room for a stack */
    bool alive = thrace_thread_is_alive(t);
    unsigned long ident = thrace_thread_ident(t);
    size_t count = thrace_active_count();
    ASSERT_EQ(0, setrlimit(RLIMIT_AS, &old));
    ASSERT_CODE(THRACE_ENOMEM, rc);
    ASSERT_FALSE(alive);
    ASSERT_EQ(0, ident);
    ASSERT_EQ(1, count);
    ASSERT_FALSE(is_enumerated(t));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(t, 0));
    ASSERT_CODE(THRACE_OK, thrace_thread_set_daemon(t, false));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    join_and_unref(t);
    ASSERT_EQ(1, __atomic_load_n(&ran_count, __ATOMIC_RELAXED));
}
#endif

/* ------------------------------------------------------------------------ */
/* join                                                                      */
/* ------------------------------------------------------------------------ */

TEST(joining_before_start_is_estate)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(t, 0));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(t, 1.0));
    thrace_thread_unref(t);
}

static int self_join[3];

static void join_self(void *arg)
{
    (void)arg;
    thrace_thread *me = thrace_current_thread();
    self_join[0] = thrace_thread_join(me, THRACE_FOREVER);
    self_join[1] = thrace_thread_join(me, 0);
    self_join[2] = thrace_thread_join(me, 1.0);
}

TEST(a_thread_joining_itself_is_edeadlk)
{
    thrace_thread *t = spawn(join_self, NULL);
    join_and_unref(t);
    ASSERT_CODE(THRACE_EDEADLK, self_join[0]);
    ASSERT_CODE(THRACE_EDEADLK, self_join[1]);
    ASSERT_CODE(THRACE_EDEADLK, self_join[2]);
}

TEST(the_main_thread_joining_itself_is_edeadlk)
{
    ASSERT_CODE(THRACE_EDEADLK, thrace_thread_join(thrace_main_thread(), THRACE_FOREVER));
    ASSERT_CODE(THRACE_EDEADLK, thrace_thread_join(thrace_current_thread(), 0.5));
}

TEST(join_with_a_timeout_times_out_while_alive_and_succeeds_once_finished)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.2));
    ASSERT_DURATION(0.2, harness_now() - t0);
    ASSERT_TRUE(thrace_thread_is_alive(t));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0));
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 5.0));
    ASSERT_FALSE(thrace_thread_is_alive(t));
    /* joinable again and again, at once */
    t0 = harness_now();
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 0));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 10.0));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_DURATION(0, harness_now() - t0);
    thrace_thread_unref(t);
}

TEST(a_negative_join_timeout_other_than_forever_acts_as_zero)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, -0.5));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, -2.0));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, -1e300));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, -INFINITY));
    ASSERT_DURATION(0, harness_now() - t0);
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, -0.5));
    thrace_thread_unref(t);
}

TEST(a_nan_join_timeout_is_einval_before_anything_else)
{
    thrace_thread *unstarted = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_CODE(THRACE_EINVAL, thrace_thread_join(unstarted, NAN));
    ASSERT_CODE(THRACE_EINVAL, thrace_thread_join(thrace_main_thread(), NAN));
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    ASSERT_CODE(THRACE_EINVAL, thrace_thread_join(t, NAN));
    ASSERT_CODE(THRACE_EINVAL, thrace_thread_join(t, -NAN));
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EINVAL, thrace_thread_join(t, NAN));
    thrace_thread_unref(t);
    thrace_thread_unref(unstarted);
}

TEST(a_join_timeout_above_timeout_max_is_erange_while_alive_but_ok_once_finished)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_ERANGE, thrace_thread_join(t, 1e12));
    ASSERT_CODE(THRACE_ERANGE, thrace_thread_join(t, INFINITY));
    ASSERT_CODE(THRACE_ERANGE, thrace_thread_join(t, THRACE_TIMEOUT_MAX * 2));
    ASSERT_DURATION(0, harness_now() - t0);
    ASSERT_TRUE(thrace_thread_is_alive(t));
    thrace_event_set(&go);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_TIMEOUT_MAX));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 1e12));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, INFINITY));
    thrace_thread_unref(t);
}

typedef struct {
    thrace_thread *target;
    int rc;
} joiner;

static void join_target(void *arg)
{
    joiner *j = arg;
    j->rc = thrace_thread_join(j->target, THRACE_FOREVER);
}

TEST(many_threads_can_join_the_same_thread_at_once)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    joiner j[5];
    thrace_thread *js[5];
    for (int i = 0; i < 5; i++) {
        j[i] = (joiner){t, -1};
        js[i] = spawn(join_target, &j[i]);
    }
    for (int i = 0; i < 5; i++)
        ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(js[i], 0)); /* still waiting */
    thrace_event_set(&go);
    for (int i = 0; i < 5; i++) {
        join_and_unref(js[i]);
        ASSERT_CODE(THRACE_OK, j[i].rc);
    }
    join_and_unref(t);
}

/* ------------------------------------------------------------------------ */
/* is_alive, ident, enumerate, active_count                                  */
/* ------------------------------------------------------------------------ */

TEST(ten_live_threads_and_main_have_eleven_distinct_native_ids)
{
    probe p[10];
    thrace_thread *t[10];
    long ids[11];
    unsigned long idents[11];
    for (int i = 0; i < 10; i++) {
        probe_init(&p[i]);
        t[i] = spawn(probe_main, &p[i]);
        ids[i] = thrace_thread_native_id(t[i]);
        idents[i] = thrace_thread_ident(t[i]);
    }
    ids[10] = thrace_thread_native_id(thrace_main_thread());
    idents[10] = thrace_thread_ident(thrace_main_thread());
    for (int i = 0; i < 11; i++) {
        ASSERT_TRUE(ids[i] > 0);
        ASSERT_TRUE(idents[i] != 0);
        for (int k = 0; k < i; k++) {
            ASSERT_TRUE(ids[i] != ids[k]);
            ASSERT_TRUE(idents[i] != idents[k]);
        }
    }
    for (int i = 0; i < 10; i++) {
        ASSERT_CODE(THRACE_OK, thrace_event_wait(&p[i].entered, THRACE_FOREVER));
        ASSERT_EQ(p[i].tid, ids[i]);
        thrace_event_set(&p[i].go);
        join_and_unref(t[i]);
    }
}

TEST(enumerate_and_active_count_see_exactly_the_live_threads_main_first)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *unstarted = thrace_thread_new(do_nothing, NULL, NULL);
    thrace_thread *t[5];
    for (int i = 0; i < 5; i++)
        t[i] = spawn(wait_forever_on, &go);
    ASSERT_EQ(6, thrace_active_count());
    thrace_thread *all[16];
    ASSERT_EQ(6, thrace_enumerate(all, 16));
    ASSERT_TRUE(all[0] == thrace_main_thread());
    for (int i = 0; i < 5; i++)
        ASSERT_TRUE(all[i + 1] == t[i]);
    for (int i = 0; i < 6; i++)
        thrace_thread_unref(all[i]);
    ASSERT_FALSE(is_enumerated(unstarted));
    thrace_event_set(&go);
    for (int i = 0; i < 5; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(1, thrace_active_count());
    ASSERT_EQ(1, thrace_enumerate(all, 16));
    ASSERT_TRUE(all[0] == thrace_main_thread());
    thrace_thread_unref(all[0]);
    thrace_thread_unref(unstarted);
}

TEST(enumerate_with_a_small_cap_returns_the_count_and_fills_cap_entries)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = spawn(wait_forever_on, &go);
    thrace_thread *sentinel = (thrace_thread *)&go;
    thrace_thread *out[4] = {sentinel, sentinel, sentinel, sentinel};
    ASSERT_EQ(4, thrace_enumerate(out, 2));
    ASSERT_TRUE(out[0] == thrace_main_thread());
    ASSERT_TRUE(out[1] == t[0]);
    ASSERT_TRUE(out[2] == sentinel);
    ASSERT_TRUE(out[3] == sentinel);
    thrace_thread_unref(out[0]);
    thrace_thread_unref(out[1]);
    ASSERT_EQ(4, thrace_enumerate(NULL, 0));
    ASSERT_EQ(4, thrace_enumerate(out, 0));
    ASSERT_TRUE(out[0] == thrace_main_thread());
    thrace_event_set(&go);
    for (int i = 0; i < 3; i++)
        join_and_unref(t[i]);
}

TEST(an_enumerated_reference_keeps_the_handle_valid_after_the_thread_ends)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = thrace_thread_new(wait_forever_on, &go, &(thrace_thread_opts){"kept", 0});
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    thrace_thread *out[4];
    ASSERT_EQ(2, thrace_enumerate(out, 4));
    ASSERT_TRUE(out[1] == t);
    thrace_event_set(&go);
    join_and_unref(t); /* out[1] is still ours */
    ASSERT_STR_EQ("kept", thrace_thread_name(out[1]));
    ASSERT_FALSE(thrace_thread_is_alive(out[1]));
    thrace_thread_unref(out[0]);
    thrace_thread_unref(out[1]);
}

TEST(a_joined_thread_is_neither_alive_nor_enumerated)
{
    for (int i = 0; i < 100; i++) {
        thrace_thread *t = spawn(do_nothing, NULL);
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
        ASSERT_FALSE(thrace_thread_is_alive(t));
        ASSERT_FALSE(is_enumerated(t));
        ASSERT_EQ(1, thrace_active_count());
        thrace_thread_unref(t);
    }
}

TEST(a_thread_stays_alive_until_its_target_returns_then_ends_without_join)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = spawn(wait_forever_on, &go);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.05));
    ASSERT_TRUE(thrace_thread_is_alive(t));
    ASSERT_TRUE(is_enumerated(t));
    thrace_event_set(&go);
    double deadline = harness_now() + 5.0;
    while (thrace_thread_is_alive(t) && harness_now() < deadline)
        sched_yield();
    ASSERT_FALSE(thrace_thread_is_alive(t));
    ASSERT_FALSE(is_enumerated(t));
    ASSERT_EQ(1, thrace_active_count());
    join_and_unref(t);
}

/* ------------------------------------------------------------------------ */
/* Names while running                                                       */
/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_event renamed, checked, go2;
    const char *seen;
    char copy[32];
    int self_rename;
} name_probe;

static void watch_name(void *arg)
{
    name_probe *p = arg;
    thrace_event_wait(&p->renamed, THRACE_FOREVER);
    p->seen = thrace_thread_name(thrace_current_thread());
    snprintf(p->copy, sizeof p->copy, "%s", p->seen);
    p->self_rename = thrace_thread_set_name(thrace_current_thread(), "by-itself");
    thrace_event_set(&p->checked);
    thrace_event_wait(&p->go2, THRACE_FOREVER);
}

TEST(set_name_changes_the_name_of_a_running_thread)
{
    name_probe p = {0};
    thrace_event_init(&p.renamed);
    thrace_event_init(&p.checked);
    thrace_event_init(&p.go2);
    thrace_thread *t = spawn(watch_name, &p);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(t));
    const char *old = thrace_thread_name(t);
    ASSERT_CODE(THRACE_OK, thrace_thread_set_name(t, "renamed"));
    ASSERT_STR_EQ("renamed", thrace_thread_name(t));
    ASSERT_STR_EQ("Thread-1", old); /* still valid while we hold t */
    thrace_event_set(&p.renamed);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&p.checked, THRACE_FOREVER));
    ASSERT_STR_EQ("renamed", p.copy);
    ASSERT_CODE(THRACE_OK, p.self_rename);
    ASSERT_STR_EQ("by-itself", thrace_thread_name(t));
    ASSERT_CODE(THRACE_EINVAL, thrace_thread_set_name(t, NULL));
    ASSERT_STR_EQ("by-itself", thrace_thread_name(t));
    thrace_event_set(&p.go2);
    join_and_unref(t);
}

TEST(set_name_works_before_start_after_the_end_and_on_main)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_set_name(t, "early"));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_STR_EQ("early", thrace_thread_name(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_thread_set_name(t, "late"));
    ASSERT_STR_EQ("late", thrace_thread_name(t));
    thrace_thread_unref(t);
    ASSERT_CODE(THRACE_OK, thrace_thread_set_name(thrace_main_thread(), "Boss"));
    ASSERT_STR_EQ("Boss", thrace_thread_name(thrace_current_thread()));
    /* a rename generates no number */
    thrace_thread *u = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_STR_EQ("Thread-2", thrace_thread_name(u));
    thrace_thread_unref(u);
}

TEST(thrace_name_renames_a_thread)
{
    thrace_thread *t = thrace_thread_new(do_nothing, NULL, NULL);
    ASSERT_CODE(THRACE_OK, thrace_name(t, "generic"));
    ASSERT_STR_EQ("generic", thrace_thread_name(t));
    ASSERT_CODE(THRACE_EINVAL, thrace_name(t, NULL));
    ASSERT_STR_EQ("generic", thrace_thread_name(t));
    thrace_thread_unref(t);
}

/* ------------------------------------------------------------------------ */
/* Dummy threads                                                             */
/* ------------------------------------------------------------------------ */

TEST(a_foreign_thread_gets_a_daemon_dummy_entry_listed_until_it_exits)
{
    foreign f;
    pthread_t p = foreign_start(&f);
    ASSERT_STR_EQ("Dummy-1", thrace_thread_name(f.self));
    ASSERT_TRUE(f.again == f.self);
    ASSERT_TRUE(thrace_thread_is_daemon(f.self));
    ASSERT_TRUE(thrace_thread_is_alive(f.self));
    ASSERT_EQ(f.pthread_id, thrace_thread_ident(f.self));
    ASSERT_EQ(f.tid, thrace_thread_native_id(f.self));
    ASSERT_EQ(2, thrace_active_count());
    thrace_thread *out[4];
    ASSERT_EQ(2, thrace_enumerate(out, 4));
    ASSERT_TRUE(out[0] == thrace_main_thread());
    ASSERT_TRUE(out[1] == f.self);
    thrace_thread_unref(out[0]);
    thrace_thread_unref(out[1]);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_set_daemon(f.self, false));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_start(f.self));
    foreign_end(&f, p);
    ASSERT_EQ(1, thrace_active_count());
    ASSERT_FALSE(is_enumerated(f.self));
    ASSERT_STR_EQ("Dummy-1", thrace_thread_name(f.self));
    thrace_thread_unref(f.self);
}

TEST(joining_a_dummy_thread_is_estate)
{
    foreign f;
    pthread_t p = foreign_start(&f);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(f.self, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(f.self, 0));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(f.self, 1.0));
    ASSERT_DURATION(0, harness_now() - t0);
    foreign_end(&f, p);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(f.self, THRACE_FOREVER));
    thrace_thread_unref(f.self);
}

static void *foreign_makes_thread(void *arg)
{
    thrace_thread **made = arg;
    *made = thrace_thread_new(do_nothing, NULL, NULL);
    return NULL;
}

TEST(a_thread_created_by_a_foreign_thread_is_a_daemon_numbered_after_its_dummy)
{
    pthread_t p;
    thrace_thread *made = NULL;
    ASSERT_EQ(0, pthread_create(&p, NULL, foreign_makes_thread, &made));
    ASSERT_EQ(0, pthread_join(p, NULL));
    ASSERT_TRUE(made != NULL);
    /* the creator became Dummy-1 to be asked for its daemon flag */
    ASSERT_TRUE(thrace_thread_is_daemon(made));
    ASSERT_STR_EQ("Thread-2", thrace_thread_name(made));
    ASSERT_EQ(1, thrace_active_count());
    thrace_thread_unref(made);
}

/* ------------------------------------------------------------------------ */
/* Joining the main thread (in a grandchild process)                         */
/* ------------------------------------------------------------------------ */

static int exiting; /* set by the grandchild's main just before exit */
static int report_fd;

static void join_main_and_report(void *arg)
{
    thrace_event *ready = arg;
    int polled = thrace_thread_join(thrace_main_thread(), 0);
    thrace_event_set(ready);
    int joined = thrace_thread_join(thrace_main_thread(), THRACE_FOREVER);
    char line[64];
    int n = snprintf(line, sizeof line, "polled=%d joined=%d exiting=%d\n", polled, joined,
                     __atomic_load_n(&exiting, __ATOMIC_ACQUIRE));
    if (write(report_fd, line, (size_t)n) != n)
        _exit(3);
}

static void grandchild_joins_main(int fd)
{
    alarm(10);
    report_fd = fd;
    thrace_event ready;
    thrace_event_init(&ready);
    thrace_thread *t = spawn(join_main_and_report, &ready);
    thrace_event_wait(&ready, THRACE_FOREVER);
    /* the joiner must still be waiting on us */
    if (thrace_thread_join(t, 0.2) != THRACE_TIMEOUT)
        _exit(4);
    thrace_thread_unref(t);
    __atomic_store_n(&exiting, 1, __ATOMIC_RELEASE);
    exit(0);
}

TEST(joining_the_main_thread_from_another_thread_returns_once_exit_begins)
{
    int fds[2];
    ASSERT_EQ(0, pipe(fds));
    pid_t pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        grandchild_joins_main(fds[1]);
    }
    close(fds[1]);
    char buf[256] = "";
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fds[0]);
    int status;
    ASSERT_EQ(pid, waitpid(pid, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(0, WEXITSTATUS(status));
    ASSERT_STR_EQ("polled=1 joined=0 exiting=1\n", buf);
}
