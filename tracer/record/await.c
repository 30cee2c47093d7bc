/*
 * await.c - PROG's end, awaited (await.h) on three file descriptors at
 * once: a pidfd that becomes readable when PROG ends (PROG is reaped by
 * the caller), the stall pipe's read end, and the fork socket; a tick
 * when none has had anything for its period.
 */
#include "await.h"

#include <errno.h>
#include <poll.h>
#include <sys/pidfd.h>
#include <unistd.h>

enum { AWAIT_PROG, AWAIT_STALL, AWAIT_FORKS, AWAIT_FDS };

int await_prog(pid_t pid, stall_watch *w, forks *f, session *s, const await_tick *tick)
{
    int pidfd = pidfd_open(pid, 0);
    if (pidfd < 0)
        return -1;
    struct pollfd fds[AWAIT_FDS] = {
        [AWAIT_PROG] = {.fd = pidfd, .events = POLLIN},
        [AWAIT_STALL] = {.fd = w->read_fd, .events = POLLIN},
        [AWAIT_FORKS] = {.fd = f->listen_fd, .events = POLLIN},
    };
    int result = -1;
    for (;;) {
        int ready = poll(fds, AWAIT_FDS, tick ? tick->ms : -1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        if (ready == 0)
            tick->fn(tick->arg);
        if (fds[AWAIT_FORKS].revents)
            forks_serve(f, s);
        if (fds[AWAIT_PROG].revents) {
            result = 0;
            break;
        }
        if (fds[AWAIT_STALL].revents) {
            if (stall_said(w)) {
                result = 1;
                break;
            }
            fds[AWAIT_STALL].fd = -1; /* closed without a word (PROG closed it) */
        }
    }
    int e = errno;
    close(pidfd);
    errno = e;
    return result;
}
