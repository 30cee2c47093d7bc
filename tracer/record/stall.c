/*
 * stall.c - the recorder's end of the stall watchdog (stall.h): the pipe,
 * made and inherited, and its word read (await.c waits for it).
 */
#include "stall.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

bool stall_said(const stall_watch *w)
{
    char line[64];
    ssize_t n = read(w->read_fd, line, sizeof line - 1);
    return n > 0 && strncmp(line, "stall", 5) == 0;
}

void stall_watch_close(stall_watch *w)
{
    if (w->read_fd >= 0)
        close(w->read_fd);
    if (w->write_fd >= 0)
        close(w->write_fd);
    *w = STALL_NONE;
}
