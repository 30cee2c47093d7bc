/*
 * sessiond.c - finding or starting lttng-sessiond for a recording, and
 * stopping only the one we started (tests/trace/sessiond.sh in C).
 *
 * A daemon we start is known by the pid it writes beside its sockets (root:
 * /var/run/lttng; others: $LTTNG_HOME, else $HOME, then /.lttng), read once
 * it answers. It is stopped by that pid, never by name, and only while that
 * pid is still a live lttng-sessiond. When two recordings start a daemon at
 * once, the one whose lttng-sessiond fails because the other's already runs
 * uses that daemon without owning it. A daemon we started that holds another
 * session at the end is left running: stopping it would end that recording.
 * A daemon runs in our PID namespace when we started it, or when the pid it
 * wrote names it here: only then are our pids its (session.c).
 */
#include "sessiond.h"

#include <lttng/lttng.h>

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
    SESSIOND_START_MS = 10000, /* for a daemon to answer, or to exit once told to */
    SESSIOND_RACE_MS = 1000,   /* for another recording's daemon, when ours failed */
    SESSIOND_POLL_MS = 50
};

static void sessiond_nap(void)
{
    struct timespec t = {0, SESSIOND_POLL_MS * 1000000L};
    nanosleep(&t, NULL);
}

static bool sessiond_answers(void)
{
    return lttng_session_daemon_alive() == 1;
}

static bool sessiond_wait_answer(int ms)
{
    for (int waited = 0; waited < ms; waited += SESSIOND_POLL_MS) {
        if (sessiond_answers())
            return true;
        sessiond_nap();
    }
    return sessiond_answers();
}

/* Whether pid is a live lttng-sessiond: not gone, not a zombie, not a reused pid. */
static bool sessiond_is_running(pid_t pid)
{
    static const char comm[] = "(lttng-sessiond) ";
    char path[64], stat[512] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool read = fgets(stat, sizeof stat, f) != NULL;
    fclose(f);
    const char *name = read ? strchr(stat, '(') : NULL;
    if (!name || strncmp(name, comm, sizeof comm - 1) != 0)
        return false;
    char state = name[sizeof comm - 1];
    return state != 'Z' && state != 'X';
}

static bool sessiond_pid_path(char *path, size_t size)
{
    if (getuid() == 0)
        return snprintf(path, size, "/var/run/lttng/lttng-sessiond.pid") < (int)size;
    const char *home = getenv("LTTNG_HOME");
    if (!home || !*home)
        home = getenv("HOME");
    return home && snprintf(path, size, "%s/.lttng/lttng-sessiond.pid", home) < (int)size;
}

/* The pid the daemon wrote at path (sessiond_pid_path's), 0 when none. */
static int sessiond_file_pid(const char *path)
{
    int pid = 0;
    FILE *f = fopen(path, "re");
    if (f && fscanf(f, "%d", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    return pid;
}

static bool sessiond_read_pid(sessiond *sd, failure *why)
{
    char path[4096];
    if (!sessiond_pid_path(path, sizeof path))
        return failure_object(why, "lttng-sessiond",
                              "started, but no home directory to find its pid in");
    int pid = sessiond_file_pid(path);
    if (!pid || !sessiond_is_running(pid))
        return failure_object(why, "lttng-sessiond", "started, but %s names no running daemon",
                              path);
    sd->started = pid;
    return true;
}

/* Runs lttng-sessiond --daemonize, which returns once its daemon is ready: its wait status. */
static int sessiond_spawn(failure *why)
{
    char *argv[] = {"lttng-sessiond", "--daemonize", "--no-kernel", NULL};
    posix_spawnattr_t attr;
    pid_t pid;
    int status;
    posix_spawnattr_init(&attr);
    /* Its own process group: a Ctrl-C meant for the traced program must not reach it. */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    int e = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    if (e) {
        failure_object(why, "lttng-sessiond", "%s",
                       e == ENOENT ? "not found (is lttng-tools installed?)" : strerror(e));
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            failure_object(why, "lttng-sessiond", "%s", strerror(errno));
            return -1;
        }
    return status;
}

bool sessiond_use(sessiond *sd, failure *why)
{
    sd->started = 0;
    if (sessiond_answers())
        return true;
    int status = sessiond_spawn(why);
    if (status < 0)
        return false;
    bool ours = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (sessiond_wait_answer(ours ? SESSIOND_START_MS : SESSIOND_RACE_MS))
        return !ours || sessiond_read_pid(sd, why);
    if (ours)
        failure_object(why, "lttng-sessiond", "started, but does not answer");
    else if (WIFEXITED(status))
        failure_object(why, "lttng-sessiond", "could not start (exit status %d)",
                       WEXITSTATUS(status));
    else
        failure_object(why, "lttng-sessiond", "killed by signal %d", WTERMSIG(status));
    return false;
}

/* Whether pid runs in our PID namespace. */
static bool sessiond_in_our_pid_ns(pid_t pid)
{
    char path[64];
    struct stat theirs, ours;
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
    return stat(path, &theirs) == 0 && stat("/proc/self/ns/pid", &ours) == 0 &&
           theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

bool sessiond_is_here(const sessiond *sd)
{
    char path[4096];
    if (sd->started)
        return true;
    int pid = sessiond_pid_path(path, sizeof path) ? sessiond_file_pid(path) : 0;
    return pid && sessiond_is_running(pid) && sessiond_in_our_pid_ns(pid);
}

/* How many sessions the daemon holds (negative: it could not say). */
static int sessiond_sessions(void)
{
    struct lttng_session *list = NULL;
    int n = lttng_list_sessions(&list);
    free(list);
    return n;
}

bool sessiond_stop(sessiond *sd, failure *why)
{
    pid_t pid = sd->started;
    sd->started = 0;
    if (!pid || !sessiond_is_running(pid))
        return true;
    int others = sessiond_sessions();
    if (others > 0)
        return failure_set(why, "lttng-sessiond %d: left running: %d other session%s use%s it",
                           (int)pid, others, others == 1 ? "" : "s", others == 1 ? "s" : "");
    kill(pid, SIGTERM);
    for (int waited = 0; waited < SESSIOND_START_MS; waited += SESSIOND_POLL_MS) {
        if (!sessiond_is_running(pid))
            return true;
        sessiond_nap();
    }
    failure_set(why, "lttng-sessiond %d: still running %d s after SIGTERM", (int)pid,
                SESSIOND_START_MS / 1000);
    return false;
}
