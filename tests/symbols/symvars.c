/*
 * symvars.c - a program written against thrace.h whose objects the program
 * does not name, for test_symbols_trace.py: a global Lock made with
 * THRACE_LOCK_INIT (announced on first use), a file-static Lock, a static
 * local Semaphore (GCC's symbol permits.N), a Condition on the heap (no
 * variable), and, made by load, a Semaphore on its stack and a Lock on the
 * heap. refresh and load take cache_lock and db_lock in opposite orders,
 * one after the other: a lock-order cycle, no deadlock; refresh ends
 * holding a permit, load holding the stack's permit and the heap's Lock:
 * leaks. Their shown names stay Lock-1, ...; the store keeps beside each
 * one its variable, and where its init was called ("made:" marks them).
 */
#include <stdlib.h>
#include <thrace.h>

thrace_lock cache_lock = THRACE_LOCK_INIT;
static thrace_lock db_lock;
static thrace_cond *have_work;
static thrace_lock *spare; /* held at the end: never freed */
static int jobs;

/* The first call (main's, alone) makes the semaphore. */
static void take_permit(void)
{
    static thrace_sem permits;
    static int made;
    if (!made) {
        thrace_sem_init(&permits, 1); /* made: permits */
        made = 1;
        return;
    }
    thrace_sem_acquire(&permits, true, THRACE_FOREVER); /* never given back */
}

static void refresh(void *arg)
{
    (void)arg;
    take_permit();
    thrace_lock_acquire(&cache_lock, true, THRACE_FOREVER);
    thrace_lock_acquire(&db_lock, true, THRACE_FOREVER);
    thrace_lock_release(&db_lock);
    thrace_lock_release(&cache_lock);
}

static void load(void *arg)
{
    (void)arg;
    thrace_sem slots;
    thrace_sem_init(&slots, 1);                       /* made: slots */
    thrace_sem_acquire(&slots, true, THRACE_FOREVER); /* never given back */
    thrace_sem_destroy(&slots);
    spare = malloc(sizeof *spare);
    if (!spare)
        abort();
    thrace_lock_init(spare);                          /* made: spare */
    thrace_lock_acquire(spare, true, THRACE_FOREVER); /* never released */
    thrace_lock_acquire(&db_lock, true, THRACE_FOREVER);
    thrace_lock_acquire(&cache_lock, true, THRACE_FOREVER);
    thrace_lock_release(&cache_lock);
    thrace_lock_release(&db_lock);
    thrace_cond_acquire(have_work, true, THRACE_FOREVER);
    jobs++;
    thrace_cond_notify(have_work, 1);
    thrace_cond_release(have_work);
}

static void run(void (*target)(void *))
{
    thrace_thread *t = thrace_thread_new(target, NULL, NULL);
    thrace_thread_start(t);
    thrace_thread_join(t, THRACE_FOREVER);
    thrace_thread_unref(t);
}

int main(void)
{
    thrace_lock_init(&db_lock); /* made: db_lock */
    take_permit();
    have_work = malloc(sizeof *have_work);
    if (!have_work)
        return 1;
    thrace_cond_init(have_work); /* made: have_work */
    run(refresh);
    run(load);
    thrace_cond_acquire(have_work, true, THRACE_FOREVER);
    while (!jobs)
        thrace_cond_wait(have_work, THRACE_FOREVER);
    thrace_cond_release(have_work);
    thrace_cond_destroy(have_work);
    free(have_work);
    return 0;
}
