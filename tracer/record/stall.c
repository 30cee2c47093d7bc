/*
 * stall.c - the recorder's end of the stall watchdog (stall.h). It waits on
 * two file descriptors at once: the pipe's read end, and a pidfd that
 * becomes readable when PROG ends (so that PROG is reaped by the caller, as
 * when nothing is watched).
 */
#include "stall.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

bool stall_watch_open(stall_watch *w, double seconds, failure *why)
{
    int fds[2];
    char value[32];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return failure_set(why, "pipe: %s", strerror(errno));
    w->read_fd = fds[0];
    w->write_fd = fds[1];
    snprintf(value, sizeof value, "%d", w->write_fd);
    bool set = setenv("THRACE_STALL_FD", value, 1) == 0;
    snprintf(value, sizeof value, "%.17g", seconds);
    if (set && setenv("THRACE_STALL_TIMEOUT", value, 1) == 0)
        return true;
    failure_set(why, "setenv: %s", strerror(errno));
    stall_watch_close(w);
    return false;
}

void stall_watch_inherit(const stall_watch *w)
{
    if (w->write_fd >= 0)
        fcntl(w->write_fd, F_SETFD, 0);
}

void stall_watch_forked(stall_watch *w)
{
    if (w->write_fd >= 0)
        close(w->write_fd);
    w->write_fd = -1;
}

/* Whether the pipe holds the watchdog's line (not just its closing). */
static bool stall_said(const stall_watch *w)
{
    char line[64];
    ssize_t n = read(w->read_fd, line, sizeof line - 1);
    return n > 0 && strncmp(line, "stall", 5) == 0;
}

int stall_wait(stall_watch *w, pid_t pid)
{
    int pidfd = pidfd_open(pid, 0);
    if (pidfd < 0)
        return -1;
    struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = w->read_fd, .events = POLLIN}};
    int result = -1;
    for (;;) {
        if (poll(fds, w->read_fd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents) {
            result = 0;
            break;
        }
        if (fds[1].revents && stall_said(w)) {
            result = 1;
            break;
        }
        fds[1].fd = -1; /* closed without a word (PROG closed it): wait for the end alone */
    }
    int e = errno;
    close(pidfd);
    errno = e;
    return result;
}

void stall_watch_close(stall_watch *w)
{
    if (w->read_fd >= 0)
        close(w->read_fd);
    if (w->write_fd >= 0)
        close(w->write_fd);
    *w = STALL_NONE;
}
