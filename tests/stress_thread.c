/*
 * stress_thread.c - threads by the thousand, and the races between their
 * life cycle and the calls that look at it: renames against name readers,
 * enumerate against threads starting and ending, cancel against firing
 * timers, a local's destroy against its threads' exits. Run under ASan and
 * TSan too; each case stays within a few seconds in a normal build.
 */
#define _GNU_SOURCE
#include "sync_util.h"

#include <pthread.h>

static int load(int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------------------ */

static int short_runs;

static void short_work(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&short_runs, 1, __ATOMIC_RELAXED);
}

TEST(two_thousand_short_threads_in_waves_of_sixteen_leave_only_main_alive)
{
    enum { WAVES = 125, WIDTH = 16 };
    for (int w = 0; w < WAVES; w++) {
        thrace_thread *t[WIDTH];
        for (int i = 0; i < WIDTH; i++)
            t[i] = spawn(short_work, NULL);
        for (int i = 0; i < WIDTH; i++)
            join_and_unref(t[i]);
        ASSERT_EQ(1, thrace_active_count());
    }
    ASSERT_EQ(WAVES * WIDTH, load(&short_runs));
    thrace_thread *all[4];
    ASSERT_EQ(1, thrace_enumerate(all, 4));
    ASSERT_TRUE(all[0] == thrace_main_thread());
    thrace_thread_unref(all[0]);
    /* the counter advanced once per thread */
    thrace_thread *next = thrace_thread_new(NULL, NULL, NULL);
    ASSERT_STR_EQ("Thread-2001", thrace_thread_name(next));
    thrace_thread_unref(next);
}

/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_thread *target;
    int writers_left;
    int bad; /* a reader saw something that is not a whole name */
    int reads;
} rename_race;

static bool whole_name(const char *n)
{
    if (!n)
        return false;
    size_t len = strlen(n);
    if (strcmp(n, "Thread-1") == 0)
        return true;
    if (len == 8 && n[0] == 'w' && n[2] == '-') /* "wX-NNNNN" */
        return true;
    return len == 9 && strncmp(n, "self-", 5) == 0; /* "self-NNNN" */
}

static void rename_writer(void *arg)
{
    rename_race *r = arg;
    char name[16];
    char who = (char)('a' + (int)(load(&r->writers_left) % 26));
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "w%c-%05d", who, i);
        if (thrace_thread_set_name(r->target, name) != THRACE_OK)
            __atomic_store_n(&r->bad, 1, __ATOMIC_RELAXED);
    }
    __atomic_sub_fetch(&r->writers_left, 1, __ATOMIC_RELEASE);
}

static void name_reader(void *arg)
{
    rename_race *r = arg;
    while (load(&r->writers_left) > 0) {
        if (!whole_name(thrace_thread_name(r->target)))
            __atomic_store_n(&r->bad, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&r->reads, 1, __ATOMIC_RELAXED);
    }
}

static void rename_itself(void *arg)
{
    rename_race *r = arg;
    char name[16];
    for (int i = 0; load(&r->writers_left) > 0; i = (i + 1) % 10000) {
        snprintf(name, sizeof name, "self-%04d", i);
        thrace_thread_set_name(thrace_current_thread(), name);
        if (!whole_name(thrace_thread_name(thrace_current_thread())))
            __atomic_store_n(&r->bad, 1, __ATOMIC_RELAXED);
    }
}

TEST(concurrent_renames_and_name_readers_always_see_a_whole_name)
{
    rename_race r = {NULL, 2, 0, 0};
    r.target = thrace_thread_new(rename_itself, &r, NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(r.target));
    thrace_thread *readers[2], *writers[2];
    for (int i = 0; i < 2; i++)
        readers[i] = spawn(name_reader, &r);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(r.target));
    for (int i = 0; i < 2; i++)
        writers[i] = spawn(rename_writer, &r);
    for (int i = 0; i < 2; i++) {
        join_and_unref(writers[i]);
        join_and_unref(readers[i]);
    }
    ASSERT_CODE(THRACE_OK, thrace_thread_join(r.target, THRACE_FOREVER));
    ASSERT_EQ(0, load(&r.bad));
    ASSERT_TRUE(load(&r.reads) > 0);
    ASSERT_TRUE(whole_name(thrace_thread_name(r.target)));
    thrace_thread_unref(r.target);
}

/* ------------------------------------------------------------------------ */

enum { SPAWNS = 500 };

typedef struct {
    int spawners_left;
    int bad;
    int max_seen;
} enum_race;

static void note_bad(enum_race *e)
{
    __atomic_store_n(&e->bad, 1, __ATOMIC_RELAXED);
}

static void enumerator(void *arg)
{
    enum_race *e = arg;
    thrace_thread *out[64];
    do {
        size_t n = thrace_enumerate(out, 64);
        size_t filled = n < 64 ? n : 64;
        if (n < 1 || out[0] != thrace_main_thread())
            note_bad(e);
        for (size_t i = 0; i < filled; i++) {
            const char *name = thrace_thread_name(out[i]);
            if (!name || !*name)
                note_bad(e);
            for (size_t k = 0; k < i; k++)
                if (out[k] == out[i])
                    note_bad(e);
        }
        for (size_t i = 0; i < filled; i++)
            thrace_thread_unref(out[i]);
        if (thrace_active_count() < 1)
            note_bad(e);
        if ((int)n > load(&e->max_seen))
            __atomic_store_n(&e->max_seen, (int)n, __ATOMIC_RELAXED);
    } while (load(&e->spawners_left) > 0);
}

static void spawner(void *arg)
{
    enum_race *e = arg;
    for (int i = 0; i < SPAWNS; i++) {
        thrace_thread *t[2] = {spawn(short_work, NULL), spawn(NULL, NULL)};
        join_and_unref(t[0]);
        join_and_unref(t[1]);
    }
    __atomic_sub_fetch(&e->spawners_left, 1, __ATOMIC_RELEASE);
}

static void *foreign_visit(void *arg)
{
    (void)arg;
    return thrace_current_thread(); /* a Dummy-N entry, gone at exit */
}

static void *foreign_spawner(void *arg)
{
    enum_race *e = arg;
    for (int i = 0; i < SPAWNS; i++) {
        pthread_t p;
        void *entry = NULL;
        if (pthread_create(&p, NULL, foreign_visit, NULL) != 0 || pthread_join(p, &entry) != 0 ||
            entry == NULL)
            note_bad(e);
    }
    __atomic_sub_fetch(&e->spawners_left, 1, __ATOMIC_RELEASE);
    return NULL;
}

TEST(enumerate_while_threads_start_and_end_lists_only_whole_threads)
{
    enum_race e = {4, 0, 0};
    thrace_thread *enumerators[3], *spawners[3];
    for (int i = 0; i < 3; i++)
        enumerators[i] = spawn(enumerator, &e);
    pthread_t raw;
    ASSERT_EQ(0, pthread_create(&raw, NULL, foreign_spawner, &e));
    for (int i = 0; i < 3; i++)
        spawners[i] = spawn(spawner, &e);
    for (int i = 0; i < 3; i++)
        join_and_unref(spawners[i]);
    ASSERT_EQ(0, pthread_join(raw, NULL));
    for (int i = 0; i < 3; i++)
        join_and_unref(enumerators[i]);
    ASSERT_EQ(0, load(&e.bad));
    ASSERT_TRUE(load(&e.max_seen) >= 5); /* main + 3 enumerators + a spawner at least */
    ASSERT_EQ(1, thrace_active_count());
    ASSERT_EQ(3 * SPAWNS, load(&short_runs));
}

/* ------------------------------------------------------------------------ */

enum { TIMER_WAVE = 40, TIMER_WAVES = 50 };

typedef struct {
    int calls;
    int wrong_thread;
    thrace_thread *self;
} timer_slot;

static void timer_fired(void *arg)
{
    timer_slot *s = arg;
    if (thrace_current_thread() != s->self)
        __atomic_store_n(&s->wrong_thread, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&s->calls, 1, __ATOMIC_RELEASE);
}

typedef struct {
    thrace_thread **timers;
    thrace_event go;
} cancel_job;

static void cancel_odd(void *arg)
{
    cancel_job *j = arg;
    thrace_event_wait(&j->go, THRACE_FOREVER);
    for (int i = 1; i < TIMER_WAVE; i += 2)
        if (i % 7 != 0)
            thrace_timer_cancel(j->timers[i]);
}

TEST(timers_cancelled_while_firing_either_fire_once_or_never)
{
    int fired = 0, not_fired = 0, total = 0;
    for (int w = 0; w < TIMER_WAVES; w++) {
        timer_slot slots[TIMER_WAVE];
        thrace_thread *timers[TIMER_WAVE];
        memset(slots, 0, sizeof slots);
        cancel_job job = {timers, THRACE_EVENT_INIT};
        thrace_thread *canceller = spawn(cancel_odd, &job);
        for (int i = 0; i < TIMER_WAVE; i++) {
            double interval = (i % 4) * 0.0005; /* 0 to 1.5 ms */
            timers[i] = thrace_timer_new(interval, timer_fired, &slots[i], NULL);
            ASSERT_TRUE(timers[i] != NULL);
            slots[i].self = timers[i];
            if (i % 10 == 5)
                thrace_timer_cancel(timers[i]); /* before start: never fires */
        }
        for (int i = 0; i < TIMER_WAVE; i++)
            ASSERT_CODE(THRACE_OK, thrace_thread_start(timers[i]));
        thrace_event_set(&job.go);
        for (int i = 0; i < TIMER_WAVE; i += 2)
            if (i % 7 != 0)
                thrace_timer_cancel(timers[i]);
        join_and_unref(canceller);
        for (int i = 0; i < TIMER_WAVE; i++) {
            ASSERT_CODE(THRACE_OK, thrace_thread_join(timers[i], THRACE_FOREVER));
            int c = load(&slots[i].calls);
            ASSERT_TRUE(c == 0 || c == 1);
            ASSERT_EQ(0, load(&slots[i].wrong_thread));
            if (i % 10 == 5)
                ASSERT_EQ(0, c);
            else if (i % 7 == 0)
                ASSERT_EQ(1, c); /* never cancelled */
            c ? fired++ : not_fired++;
            total++;
        }
        /* joined: no function can run any more */
        for (int i = 0; i < TIMER_WAVE; i++) {
            thrace_timer_cancel(timers[i]);
            int c = load(&slots[i].calls);
            ASSERT_TRUE(c == 0 || c == 1);
            thrace_thread_unref(timers[i]);
        }
        ASSERT_EQ(1, thrace_active_count());
    }
    ASSERT_EQ(TIMER_WAVES * TIMER_WAVE, total);
    ASSERT_EQ(total, fired + not_fired);
    ASSERT_TRUE(fired > 0);
    ASSERT_TRUE(not_fired > 0);
}

/* ------------------------------------------------------------------------ */

enum { LOCAL_ROUNDS = 300, LOCAL_THREADS = 8 };

static int local_destroys;

static void count_destroy(void *data)
{
    (void)data;
    __atomic_add_fetch(&local_destroys, 1, __ATOMIC_RELAXED);
}

typedef struct {
    thrace_local *local;
    pthread_barrier_t *all_have_data;
} local_user;

static void *use_local_then_exit(void *arg)
{
    local_user *u = arg;
    *(int *)thrace_local_get(u->local) = 1;
    pthread_barrier_wait(u->all_have_data);
    return NULL; /* exits while main destroys the local */
}

static void use_local_then_end(void *arg)
{
    use_local_then_exit(arg);
}

static void local_destroy_race(bool raw)
{
    for (int round = 0; round < LOCAL_ROUNDS; round++) {
        thrace_local l;
        pthread_barrier_t b;
        ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(int), NULL, NULL, count_destroy));
        ASSERT_EQ(0, pthread_barrier_init(&b, NULL, LOCAL_THREADS + 1));
        local_user u = {&l, &b};
        pthread_t p[LOCAL_THREADS];
        thrace_thread *t[LOCAL_THREADS];
        for (int i = 0; i < LOCAL_THREADS; i++) {
            if (raw)
                ASSERT_EQ(0, pthread_create(&p[i], NULL, use_local_then_exit, &u));
            else
                t[i] = spawn(use_local_then_end, &u);
        }
        thrace_local_get(&l);
        pthread_barrier_wait(&b);
        thrace_local_destroy(&l);
        for (int i = 0; i < LOCAL_THREADS; i++) {
            if (raw)
                ASSERT_EQ(0, pthread_join(p[i], NULL));
            else
                join_and_unref(t[i]);
        }
        pthread_barrier_destroy(&b);
        ASSERT_EQ((round + 1) * (LOCAL_THREADS + 1), load(&local_destroys));
    }
}

TEST(local_destroy_while_thrace_threads_end_destroys_each_data_once)
{
    local_destroy_race(false);
}

TEST(local_destroy_while_raw_pthreads_exit_destroys_each_data_once)
{
    local_destroy_race(true);
}
