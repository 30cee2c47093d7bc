/*
 * stall.c - the stall watchdog (see stall.h). Owns the watchdog thread, a
 * plain pthread that thrace does not list, runs no thrace code and blocks
 * every signal, and the counts it reads, guarded by one mutex that nests
 * under no other lock: the live non-daemon threads (`watched`, the main
 * thread included), how many of them are parked (`blocked`, never more),
 * and when either last changed. Every start and end of a counted wait
 * changes them, so "blocked == watched, unchanged for SECONDS" is exactly
 * "every such thread blocked, none woken, for SECONDS". The watchdog looks
 * a few times per timeout, says it once and ends. In the child of a fork
 * it does not run.
 */
#include "stall.h"

#include "deadline.h"
#include "foreign.h"
#include "thread.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

bool thrace__stall_on;
static THRACE__TLS bool sleeping_now;
static pthread_mutex_t stall_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned long watched, blocked;
static struct timespec changed;
static double timeout;
static int stall_fd;

static void stall_lock(void)
{
    THRACE__CHECK(pthread_mutex_lock(&stall_mutex));
}

static void stall_unlock(void)
{
    THRACE__CHECK(pthread_mutex_unlock(&stall_mutex));
}

bool thrace__stall_note_blocked(void)
{
    thrace_thread *self = thrace__thread_self();
    if (!self || sleeping_now)
        return false;
    stall_lock();
    bool counted = self->stall_watched;
    if (counted) {
        blocked++;
        changed = thrace__clock_now();
    }
    stall_unlock();
    return counted;
}

void thrace__stall_note_unblocked(void)
{
    stall_lock();
    blocked--;
    changed = thrace__clock_now();
    stall_unlock();
}

void thrace__stall_note_thread(thrace_thread *t, bool live)
{
    /* Dummy threads are daemons; the main thread is counted from the start. */
    if (t->kind == KIND_MAIN || thrace_thread_is_daemon(t))
        return;
    stall_lock();
    t->stall_watched = live;
    watched = live ? watched + 1 : watched - 1;
    changed = thrace__clock_now();
    stall_unlock();
}

void thrace__stall_note_sleeping(bool sleeping)
{
    sleeping_now = sleeping;
}

static bool stalled(void)
{
    stall_lock();
    struct timespec now = thrace__clock_now();
    double still =
        (double)(now.tv_sec - changed.tv_sec) + (double)(now.tv_nsec - changed.tv_nsec) / 1e9;
    bool all = watched > 0 && blocked == watched && still >= timeout;
    stall_unlock();
    return all;
}

static void say_stalled(void)
{
    char line[48];
    int len = snprintf(line, sizeof line, "stall %ld\n", (long)getpid());
    for (const char *p = line; len > 0;) {
        ssize_t n = write(stall_fd, p, (size_t)len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the reader is gone: nobody is left to tell */
        p += n;
        len -= (int)n;
    }
}

static void *watch(void *arg)
{
    (void)arg;
    /* A few looks per timeout: a stall is told at most a quarter late. */
    double period = timeout / 4 < 0.1 ? timeout / 4 : 0.1;
    struct timespec pause = {(time_t)period, (long)((period - (double)(time_t)period) * 1e9)};
    while (!stalled())
        nanosleep(&pause, NULL);
    say_stalled();
    return NULL;
}

/* Starts the watchdog with every signal blocked: they belong to the program. */
static bool start_watchdog(void)
{
    sigset_t all, old;
    pthread_attr_t attr;
    pthread_t id;
    sigfillset(&all);
    if (pthread_attr_init(&attr) != 0)
        return false;
    THRACE__CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    THRACE__CHECK(pthread_sigmask(SIG_SETMASK, &all, &old));
    int rc = pthread_create(&id, &attr, watch, NULL);
    THRACE__CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL));
    pthread_attr_destroy(&attr);
    return rc == 0;
}

/* The settings, or false when either is missing or malformed. */
static bool read_settings(void)
{
    const char *seconds = getenv("THRACE_STALL_TIMEOUT");
    const char *fd = getenv("THRACE_STALL_FD");
    if (!seconds || !fd)
        return false;
    char *end;
    timeout = strtod(seconds, &end);
    if (end == seconds || *end || !(timeout > 0 && timeout <= THRACE_TIMEOUT_MAX))
        return false;
    long n = strtol(fd, &end, 10);
    if (end == fd || *end || n < 0 || n > INT32_MAX || fcntl((int)n, F_GETFD) < 0)
        return false;
    stall_fd = (int)n;
    return true;
}

static void off_in_child(void)
{
    thrace__stall_on = false;
}

__attribute__((constructor)) static void stall_init(void)
{
    if (!read_settings())
        return;
    thrace__thread_main()->stall_watched = true;
    watched = 1;
    changed = thrace__clock_now();
    thrace__stall_on = true;
    if (!start_watchdog()) {
        thrace__stall_on = false;
        return;
    }
    thrace__foreign_watching = true;
    THRACE__CHECK(pthread_atfork(NULL, NULL, off_in_child));
}
