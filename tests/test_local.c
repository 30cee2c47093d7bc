/*
 * test_local.c - Python's threading.local: per-thread zeroed data, an init
 * that runs once per thread with the constructor's argument (a subclass's
 * __init__), and a destroy that runs when the thread ends (before join
 * returns), when a raw pthread exits, or at thrace_local_destroy.
 */
#define _GNU_SOURCE
#include "sync_util.h"

#include <pthread.h>
#include <stdalign.h>

typedef struct {
    long value;
    unsigned long owner; /* pthread_self of the thread init ran in */
    void *arg;           /* what init was given */
    int inits;
    char pad[40];
} data;

/* Counters shared by the callbacks of one case (each case is a process). */
static int init_calls, destroy_calls;
static long destroyed_sum;
static int destroyed_after_return; /* destroy saw the target's last write */

static void count_init(void *p, void *arg)
{
    data *d = p;
    d->owner = (unsigned long)pthread_self();
    d->arg = arg;
    d->inits++;
    __atomic_add_fetch(&init_calls, 1, __ATOMIC_RELAXED);
}

static void count_destroy(void *p)
{
    data *d = p;
    __atomic_add_fetch(&destroyed_sum, d->value, __ATOMIC_RELAXED);
    if (d->pad[0] == 'R')
        __atomic_add_fetch(&destroyed_after_return, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&destroy_calls, 1, __ATOMIC_RELAXED);
}

static int load(int *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_local *local;
    thrace_barrier *all_in; /* keeps every thread alive until all have data */
    long id;
    data *mine;
    bool zeroed, same_again, kept;
} zero_probe;

static void check_own_data(void *arg)
{
    zero_probe *z = arg;
    z->mine = thrace_local_get(z->local);
    z->zeroed = z->mine && all_zero(z->mine, sizeof *z->mine);
    if (z->mine)
        z->mine->value = z->id;
    thrace_barrier_wait(z->all_in, THRACE_FOREVER, NULL);
    z->same_again = thrace_local_get(z->local) == z->mine;
    z->kept = z->mine && z->mine->value == z->id;
    thrace_barrier_wait(z->all_in, THRACE_FOREVER, NULL);
}

TEST(each_thread_sees_its_own_zeroed_data)
{
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(data), NULL, NULL, NULL));
    data *main_data = thrace_local_get(&l);
    ASSERT_TRUE(main_data != NULL);
    ASSERT_TRUE(all_zero(main_data, sizeof *main_data));
    main_data->value = -1;
    thrace_barrier b;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 5, NULL, NULL, THRACE_FOREVER));
    zero_probe z[4];
    thrace_thread *t[4];
    for (int i = 0; i < 4; i++) {
        z[i] = (zero_probe){&l, &b, i + 1, NULL, false, false, false};
        t[i] = spawn(check_own_data, &z[i]);
    }
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&b, THRACE_FOREVER, NULL));
    for (int i = 0; i < 4; i++) {
        ASSERT_TRUE(z[i].zeroed);
        ASSERT_TRUE(z[i].mine != main_data);
        for (int k = 0; k < i; k++)
            ASSERT_TRUE(z[i].mine != z[k].mine);
    }
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&b, THRACE_FOREVER, NULL));
    for (int i = 0; i < 4; i++) {
        join_and_unref(t[i]);
        ASSERT_TRUE(z[i].same_again);
        ASSERT_TRUE(z[i].kept);
    }
    ASSERT_TRUE(thrace_local_get(&l) == main_data);
    ASSERT_EQ(-1, main_data->value);
    thrace_barrier_destroy(&b);
    thrace_local_destroy(&l);
}

/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_local *local;
    data *first;
    bool same_three_times, owner_is_me;
    void *arg_seen;
    int inits;
} init_probe;

static void get_three_times(void *arg)
{
    init_probe *p = arg;
    p->first = thrace_local_get(p->local);
    p->same_three_times =
        thrace_local_get(p->local) == p->first && thrace_local_get(p->local) == p->first;
    p->owner_is_me = p->first->owner == (unsigned long)pthread_self();
    p->arg_seen = p->first->arg;
    p->inits = p->first->inits;
}

TEST(init_runs_once_per_thread_with_the_given_arg_in_that_thread)
{
    static int token;
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(data), count_init, &token, NULL));
    ASSERT_EQ(0, load(&init_calls)); /* nothing before the first get */
    init_probe p[3];
    for (int i = 0; i < 3; i++) {
        p[i] = (init_probe){.local = &l};
        join_and_unref(spawn(get_three_times, &p[i]));
        ASSERT_EQ(i + 1, load(&init_calls));
        ASSERT_TRUE(p[i].same_three_times);
        ASSERT_TRUE(p[i].owner_is_me);
        ASSERT_TRUE(p[i].arg_seen == &token);
        ASSERT_EQ(1, p[i].inits);
    }
    init_probe m = {.local = &l};
    get_three_times(&m);
    ASSERT_EQ(4, load(&init_calls));
    ASSERT_TRUE(m.owner_is_me && m.same_three_times && m.arg_seen == &token);
    ASSERT_EQ(1, m.inits);
    thrace_local_destroy(&l);
}

static void touch_nothing(void *arg)
{
    (void)arg;
}

TEST(a_thread_that_never_gets_the_data_runs_neither_init_nor_destroy)
{
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(data), count_init, NULL, count_destroy));
    join_and_unref(spawn(touch_nothing, NULL));
    ASSERT_EQ(0, load(&init_calls));
    ASSERT_EQ(0, load(&destroy_calls));
    thrace_local_destroy(&l);
    ASSERT_EQ(0, load(&destroy_calls));
}

/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_local *local;
    long value;
} setter;

static void set_value_then_return(void *arg)
{
    setter *s = arg;
    data *d = thrace_local_get(s->local);
    d->value = s->value;
    d->pad[0] = 'R'; /* the target's last write: destroy must see it */
}

TEST(destroy_runs_for_a_thrace_threads_data_after_it_ends_before_join_returns)
{
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(data), NULL, NULL, count_destroy));
    setter s[3] = {{&l, 10}, {&l, 200}, {&l, 3000}};
    long expected = 0;
    for (int i = 0; i < 3; i++) {
        thrace_thread *t = spawn(set_value_then_return, &s[i]);
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
        expected += s[i].value;
        /* no other synchronisation: join alone must cover the destroy */
        ASSERT_EQ(i + 1, load(&destroy_calls));
        ASSERT_EQ(expected, __atomic_load_n(&destroyed_sum, __ATOMIC_RELAXED));
        thrace_thread_unref(t);
    }
    ASSERT_EQ(3, load(&destroyed_after_return));
    thrace_local_destroy(&l); /* main never used it */
    ASSERT_EQ(3, load(&destroy_calls));
}

static void *raw_set_value(void *arg)
{
    set_value_then_return(arg);
    return NULL;
}

TEST(data_of_a_raw_pthread_is_destroyed_when_it_exits)
{
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(data), NULL, NULL, count_destroy));
    setter s = {&l, 77};
    pthread_t p;
    ASSERT_EQ(0, pthread_create(&p, NULL, raw_set_value, &s));
    ASSERT_EQ(0, pthread_join(p, NULL));
    ASSERT_EQ(1, load(&destroy_calls));
    ASSERT_EQ(77, __atomic_load_n(&destroyed_sum, __ATOMIC_RELAXED));
    thrace_local_destroy(&l);
    ASSERT_EQ(1, load(&destroy_calls));
}

/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_local *local;
    long value;
    thrace_event has_data, leave;
} holder;

static void hold_data(void *arg)
{
    holder *h = arg;
    data *d = thrace_local_get(h->local);
    d->value = h->value;
    thrace_event_set(&h->has_data);
    thrace_event_wait(&h->leave, THRACE_FOREVER); /* no use of the local after this */
}

static void *raw_hold_data(void *arg)
{
    hold_data(arg);
    return NULL;
}

static void holder_init(holder *h, thrace_local *l, long value)
{
    h->local = l;
    h->value = value;
    thrace_event_init(&h->has_data);
    thrace_event_init(&h->leave);
}

TEST(local_destroy_destroys_every_remaining_threads_data_mains_included)
{
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizeof(data), NULL, NULL, count_destroy));
    ((data *)thrace_local_get(&l))->value = 1;
    holder h[3];
    holder_init(&h[0], &l, 10);
    holder_init(&h[1], &l, 100);
    holder_init(&h[2], &l, 1000); /* a raw pthread */
    thrace_thread *t0 = spawn(hold_data, &h[0]);
    thrace_thread *t1 = spawn(hold_data, &h[1]);
    pthread_t raw;
    ASSERT_EQ(0, pthread_create(&raw, NULL, raw_hold_data, &h[2]));
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_event_wait(&h[i].has_data, THRACE_FOREVER));
    /* one thread that had data is gone already */
    setter gone = {&l, 5000};
    join_and_unref(spawn(set_value_then_return, &gone));
    ASSERT_EQ(1, load(&destroy_calls));
    thrace_local_destroy(&l);
    ASSERT_EQ(5, load(&destroy_calls));
    ASSERT_EQ(6111, __atomic_load_n(&destroyed_sum, __ATOMIC_RELAXED));
    /* the threads end afterwards: nothing is destroyed twice */
    for (int i = 0; i < 3; i++)
        thrace_event_set(&h[i].leave);
    join_and_unref(t0);
    join_and_unref(t1);
    ASSERT_EQ(0, pthread_join(raw, NULL));
    ASSERT_EQ(5, load(&destroy_calls));
    ASSERT_EQ(6111, __atomic_load_n(&destroyed_sum, __ATOMIC_RELAXED));
}

/* ------------------------------------------------------------------------ */

static void init_long_from_arg(void *p, void *arg)
{
    *(long *)p = (long)(intptr_t)arg;
}

typedef struct {
    thrace_local *a, *b;
    long a_first, b_first, a_after, b_after;
} pair_probe;

static void use_both(void *arg)
{
    pair_probe *p = arg;
    long *a = thrace_local_get(p->a), *b = thrace_local_get(p->b);
    p->a_first = *a;
    p->b_first = *b;
    *a += 5;
    p->a_after = *(long *)thrace_local_get(p->a);
    p->b_after = *(long *)thrace_local_get(p->b);
}

TEST(two_locals_are_independent)
{
    thrace_local a, b;
    ASSERT_CODE(THRACE_OK,
                thrace_local_init(&a, sizeof(long), init_long_from_arg, (void *)1, NULL));
    ASSERT_CODE(THRACE_OK,
                thrace_local_init(&b, sizeof(long), init_long_from_arg, (void *)2, NULL));
    long *ma = thrace_local_get(&a), *mb = thrace_local_get(&b);
    ASSERT_TRUE(ma != mb);
    ASSERT_EQ(1, *ma);
    ASSERT_EQ(2, *mb);
    *mb = 20;
    ASSERT_EQ(1, *(long *)thrace_local_get(&a));
    pair_probe p = {&a, &b, 0, 0, 0, 0};
    join_and_unref(spawn(use_both, &p));
    ASSERT_EQ(1, p.a_first);
    ASSERT_EQ(2, p.b_first);
    ASSERT_EQ(6, p.a_after);
    ASSERT_EQ(2, p.b_after);
    ASSERT_EQ(1, *ma);
    ASSERT_EQ(20, *mb);
    thrace_local_destroy(&a);
    ASSERT_EQ(20, *(long *)thrace_local_get(&b)); /* b untouched by a's destroy */
    thrace_local_destroy(&b);
}

static void *get_zero_sized(void *arg)
{
    return thrace_local_get(arg);
}

TEST(a_local_of_size_zero_gives_a_non_null_pointer)
{
    thrace_local l;
    ASSERT_CODE(THRACE_OK, thrace_local_init(&l, 0, NULL, NULL, NULL));
    void *mine = thrace_local_get(&l);
    ASSERT_TRUE(mine != NULL);
    ASSERT_TRUE(thrace_local_get(&l) == mine);
    pthread_t p;
    void *theirs = NULL;
    ASSERT_EQ(0, pthread_create(&p, NULL, get_zero_sized, &l));
    ASSERT_EQ(0, pthread_join(p, &theirs));
    ASSERT_TRUE(theirs != NULL);
    thrace_local_destroy(&l);
}

TEST(local_data_is_aligned_for_any_type)
{
    size_t sizes[] = {1, 3, 17, 100};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        thrace_local l;
        ASSERT_CODE(THRACE_OK, thrace_local_init(&l, sizes[i], NULL, NULL, NULL));
        void *p = thrace_local_get(&l);
        ASSERT_TRUE(p != NULL);
        ASSERT_EQ(0, (uintptr_t)p % alignof(max_align_t));
        memset(p, 0xab, sizes[i]); /* the whole block is ours (ASan checks) */
        thrace_local_destroy(&l);
    }
}

TEST(a_local_can_be_made_again_after_destroy)
{
    thrace_local l;
    for (int round = 1; round <= 3; round++) {
        ASSERT_CODE(THRACE_OK,
                    thrace_local_init(&l, sizeof(data), count_init, NULL, count_destroy));
        data *d = thrace_local_get(&l);
        ASSERT_TRUE(d != NULL);
        ASSERT_EQ(1, d->inits); /* fresh data, not the previous round's */
        ASSERT_EQ(0, d->value);
        d->value = round;
        thrace_local_destroy(&l);
        ASSERT_EQ(round, load(&destroy_calls));
    }
}
