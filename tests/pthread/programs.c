/*
 * programs.c - plain pthread programs, which know nothing of thrace, for
 * test_pthread.py to record through the interposer: `programs NAME`.
 *   abba         two threads, named by pthread_setname_np, take two static
 *                mutexes in opposite orders and hang;
 *   lost_wakeup  a consumer waits on a condition variable after the only
 *                signal was sent, and hangs;
 *   clean        every interposed call, used correctly: mutexes of every
 *                kind, read-write locks, condition variables, unnamed and
 *                named semaphores, a barrier, joins of every kind, detached
 *                threads, pthread_exit, thread names; no finding;
 *   fork         forks a child that locks a mutex the parent used and one
 *                of its own, in a thread of its own too; then runs
 *                `programs clean` with posix_spawn, and `true` through
 *                system(), which traces nothing: three processes traced.
 * Each prints one line when it ends normally ("clean"); the hanging ones
 * print "hung" first, then hang (at the lines marked "site:", which the
 * test finds by their marks).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t alpha_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t beta_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_create(&t, NULL, fn, arg);
    return t;
}

/* ---- abba ------------------------------------------------------------------ */

static void *mover(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "mover");
    pthread_mutex_lock(&alpha_lock); /* site: mover holds */
    pthread_barrier_wait(&both_hold);
    pthread_mutex_lock(&beta_lock); /* site: mover waits */
    return NULL;
}

static void *shaker(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "shaker");
    pthread_mutex_lock(&beta_lock); /* site: shaker holds */
    pthread_barrier_wait(&both_hold);
    pthread_mutex_lock(&alpha_lock); /* site: shaker waits */
    return NULL;
}

static void abba(void)
{
    pthread_barrier_init(&both_hold, NULL, 2);
    pthread_t a = start(mover, NULL), b = start(shaker, NULL);
    puts("hung");
    fflush(stdout);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
}

/* ---- lost_wakeup ------------------------------------------------------------- */

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_filled = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t signalled;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&signalled);
    pthread_mutex_lock(&queue_lock);
    pthread_cond_wait(&queue_filled, &queue_lock); /* site: consumer waits */
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

static void lost_wakeup(void)
{
    pthread_barrier_init(&signalled, NULL, 2);
    pthread_t c = start(consumer, NULL);
    pthread_mutex_lock(&queue_lock);
    pthread_cond_signal(&queue_filled);
    pthread_mutex_unlock(&queue_lock);
    pthread_barrier_wait(&signalled);
    puts("hung");
    fflush(stdout);
    pthread_join(c, NULL);
}

/* ---- clean ------------------------------------------------------------------- */

static pthread_mutex_t recursive_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t checked_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t table_changed = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t round_done;
static sem_t slots;
static sem_t detached_done; /* posted once the detached thread is done with the named one */
static int table, version;
static bool reader_waiting; /* under beta_lock: the reader is in pthread_cond_wait */

static struct timespec after(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += ms * 1000000L;
    t.tv_sec += t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

static void locks(void)
{
    pthread_mutex_lock(&recursive_lock);
    pthread_mutex_lock(&recursive_lock);
    pthread_mutex_unlock(&recursive_lock);
    pthread_mutex_unlock(&recursive_lock);
    struct timespec t = after(100);
    if (pthread_mutex_timedlock(&checked_lock, &t) == 0)
        pthread_mutex_unlock(&checked_lock);
    if (pthread_mutex_trylock(&alpha_lock) == 0)
        pthread_mutex_unlock(&alpha_lock);
}

/* Returns once the reader waits on table_changed (it released beta_lock in
 * the wait alone), holding beta_lock: the first change wakes a real wait. */
static void lock_when_reader_waits(void)
{
    pthread_mutex_lock(&beta_lock);
    while (!reader_waiting) {
        pthread_mutex_unlock(&beta_lock);
        sched_yield();
        pthread_mutex_lock(&beta_lock);
    }
}

static void *writer(void *arg)
{
    (void)arg;
    prctl(PR_SET_NAME, "writer");
    for (int i = 0; i < 5; i++) {
        sem_wait(&slots);
        pthread_rwlock_wrlock(&table_lock);
        table++;
        pthread_rwlock_unlock(&table_lock);
        if (i == 0)
            lock_when_reader_waits();
        else
            pthread_mutex_lock(&beta_lock);
        version++;
        pthread_cond_broadcast(&table_changed);
        pthread_mutex_unlock(&beta_lock);
        sem_post(&slots);
        locks();
    }
    pthread_barrier_wait(&round_done);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    for (int seen = 0; seen < 5;) {
        pthread_mutex_lock(&beta_lock);
        while (version == seen) {
            reader_waiting = true;
            pthread_cond_wait(&table_changed, &beta_lock);
            reader_waiting = false;
        }
        seen = version;
        pthread_mutex_unlock(&beta_lock);
        struct timespec t = after(100);
        if (pthread_rwlock_timedrdlock(&table_lock, &t) == 0)
            pthread_rwlock_unlock(&table_lock);
        if (pthread_rwlock_tryrdlock(&table_lock) == 0)
            pthread_rwlock_unlock(&table_lock);
    }
    pthread_barrier_wait(&round_done);
    pthread_exit(NULL);
}

static void *detached(void *arg)
{
    sem_t *named = arg;
    if (sem_trywait(named) != 0) {
        struct timespec t = after(100);
        sem_timedwait(named, &t);
    }
    sem_post(named);
    sem_post(&detached_done);
    return NULL;
}

static void clean(void)
{
    pthread_barrier_init(&round_done, NULL, 3);
    sem_init(&slots, 0, 1);
    sem_init(&detached_done, 0, 0);
    char name[64];
    snprintf(name, sizeof name, "/thrace-clean-%d", (int)getpid());
    sem_t *named = sem_open(name, O_CREAT, 0600, 1);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t d;
    pthread_create(&d, &attr, detached, named);
    pthread_attr_destroy(&attr);
    pthread_t w = start(writer, NULL), r = start(reader, NULL);
    pthread_barrier_wait(&round_done);
    struct timespec t = after(5000);
    pthread_timedjoin_np(w, NULL, &t);
    while (pthread_tryjoin_np(r, NULL) == EBUSY)
        sched_yield();
    /* Closed only once the detached thread gave it back: it may not have
     * started yet. */
    sem_wait(&detached_done);
    sem_wait(named);
    sem_close(named);
    sem_unlink(name);
    sem_destroy(&slots);
    sem_destroy(&detached_done);
    pthread_barrier_destroy(&round_done);
    printf("clean %d\n", table);
}

/* ---- fork -------------------------------------------------------------------- */

extern char **environ;
static pthread_mutex_t child_lock = PTHREAD_MUTEX_INITIALIZER;

static void *child_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&child_lock); /* site: child thread */
    pthread_mutex_unlock(&child_lock);
    return NULL;
}

static void in_child(void)
{
    pthread_mutex_lock(&alpha_lock); /* site: child alpha */
    pthread_mutex_unlock(&alpha_lock);
    pthread_join(start(child_thread, NULL), NULL);
    exit(0);
}

static int wait_for(pid_t pid)
{
    int status;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void forked(const char *self)
{
    pthread_mutex_lock(&alpha_lock); /* site: parent alpha */
    pthread_mutex_unlock(&alpha_lock);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        in_child();
    int child = wait_for(pid);
    pid_t spawned;
    char *args[] = {(char *)self, "clean", NULL};
    int ran = posix_spawn(&spawned, self, NULL, NULL, args, environ) == 0 ? wait_for(spawned) : -1;
    int shell = system("true");
    printf("forked %d %d %d\n", child, ran, shell);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "abba") == 0)
        abba();
    else if (argc == 2 && strcmp(argv[1], "lost_wakeup") == 0)
        lost_wakeup();
    else if (argc == 2 && strcmp(argv[1], "clean") == 0)
        clean();
    else if (argc == 2 && strcmp(argv[1], "fork") == 0)
        forked(argv[0]);
    else
        return 2;
    return 0;
}
