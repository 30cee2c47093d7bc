/*
 * track.c - a process started under `thrace record` asks to be recorded
 * (tracer/record/forks.h). The recorder tracks PROG's pid alone, so a
 * child forked by a traced process, and a program exec'd in a process it
 * never tracked (posix_spawn's children skip fork's handlers), asks it
 * before its first event and waits for the answer. The child of a fork
 * asks in its fork handler, which runs before LTTng-UST's fork helper
 * registers the child again: the registration then finds it tracked.
 * In that handler only async-signal-safe calls are made.
 */
#include "internal.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* How long an asking process waits for the recorder's answer (ms). */
enum { TRACK_PATIENCE_MS = 10000 };

static struct sockaddr_un recorder; /* sun_path "": not recorded by thrace record */

/* The decimal digits of n, NUL-terminated, in buf (24 bytes at least). */
static const char *decimal(long n, char *buf)
{
    char *p = buf + 23;
    *p = '\0';
    do
        *--p = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    return p;
}

/* Asks the recorder to track this process; goes on, tracked or not. */
static void ask_to_be_tracked(void)
{
    char buf[24], answer;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    const char *pid = decimal((long)getpid(), buf);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    /* A recorder gone (PROG ended) refuses: the process goes on untracked. */
    if (connect(fd, (struct sockaddr *)&recorder, sizeof recorder) == 0 &&
        send(fd, pid, strlen(pid), MSG_NOSIGNAL) > 0 && poll(&p, 1, TRACK_PATIENCE_MS) == 1) {
        ssize_t got = recv(fd, &answer, 1, 0);
        (void)got; /* 'y' or 'n': either way the process goes on */
    }
    close(fd);
}

static void ask_in_child(void)
{
    ask_to_be_tracked();
}

__attribute__((constructor)) static void track_init(void)
{
    const char *path = getenv("THRACE_RECORD_FORKS");
    if (!path || !*path || strlen(path) >= sizeof recorder.sun_path)
        return;
    recorder.sun_family = AF_UNIX;
    strcpy(recorder.sun_path, path);
    const char *prog = getenv("THRACE_RECORD_PID");
    if (!prog || atol(prog) != (long)getpid())
        ask_to_be_tracked(); /* a program exec'd in a process the recorder does not know */
    THRACE__CHECK(pthread_atfork(NULL, NULL, ask_in_child));
}
