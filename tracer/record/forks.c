/*
 * forks.c - tracking the processes PROG starts (forks.h). The socket is a
 * SOCK_SEQPACKET one in a directory of our own (mode 0700): a request is
 * one message, the asking process's pid in decimal; the answer one byte,
 * 'y' tracked, 'n' not. Requests are answered as they come, between the
 * waits for PROG's end (await.c), each in a few milliseconds.
 */
#include "forks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

enum { FORKS_PATIENCE_S = 1 };

/* The socket's path in f->dir, into addr; false when it does not fit. */
static bool forks_address(const forks *f, struct sockaddr_un *addr)
{
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    int n = snprintf(addr->sun_path, sizeof addr->sun_path, "%s/forks", f->dir);
    return n > 0 && (size_t)n < sizeof addr->sun_path;
}

static bool forks_listen(forks *f, failure *why)
{
    struct sockaddr_un addr;
    if (!forks_address(f, &addr))
        return failure_object(why, f->dir, "path too long for a socket (set TMPDIR)");
    f->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (f->listen_fd < 0)
        return failure_set(why, "socket: %s", strerror(errno));
    if (bind(f->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(f->listen_fd, 64) != 0)
        return failure_object(why, addr.sun_path, "%s", strerror(errno));
    if (setenv("THRACE_RECORD_FORKS", addr.sun_path, 1) != 0)
        return failure_set(why, "setenv: %s", strerror(errno));
    return true;
}

bool forks_open(forks *f, failure *why)
{
    const char *tmp = getenv("TMPDIR");
    *f = FORKS_NONE;
    snprintf(f->dir, sizeof f->dir, "%s/thrace-forks-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        failure_object(why, f->dir, "%s", strerror(errno));
        f->dir[0] = '\0';
        return false;
    }
    if (forks_listen(f, why))
        return true;
    forks_close(f);
    return false;
}

void forks_prog_pid(void)
{
    char pid[24];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("THRACE_RECORD_PID", pid, 1); /* failing: PROG asks once more, that is all */
}

/* Reads the request on conn: the asking pid, or 0. */
static pid_t forks_request(int conn)
{
    char text[24];
    ssize_t n = recv(conn, text, sizeof text - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    char *end;
    long pid = strtol(text, &end, 10);
    return *end == '\0' && pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

static void forks_answer(forks *f, session *s, int conn)
{
    failure why = {0};
    pid_t pid = forks_request(conn);
    bool tracked = pid > 0 && session_track(s, pid, &why);
    if (tracked)
        f->tracked++;
    else if (!f->failed_once) {
        f->failed_once = true;
        fprintf(stderr, "thrace record: a process PROG started is not recorded: %s\n",
                pid > 0 ? why.text : "a malformed request");
    }
    char answer = tracked ? 'y' : 'n';
    ssize_t sent = send(conn, &answer, 1, MSG_NOSIGNAL);
    (void)sent; /* an asker gone needs no answer */
}

void forks_serve(forks *f, session *s)
{
    if (f->listen_fd < 0)
        return;
    int conn;
    /* The connections inherit no O_NONBLOCK: a request's message is sent
     * with the connection, and the asker waits for the answer. */
    while ((conn = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
        /* An asker that connects and never asks is not waited for long. */
        struct timeval patience = {FORKS_PATIENCE_S, 0};
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
        forks_answer(f, s, conn);
        close(conn);
    }
}

void forks_close(forks *f)
{
    struct sockaddr_un addr;
    if (f->listen_fd >= 0)
        close(f->listen_fd);
    if (f->dir[0] && forks_address(f, &addr))
        unlink(addr.sun_path);
    if (f->dir[0])
        rmdir(f->dir);
    unsetenv("THRACE_RECORD_FORKS");
    *f = FORKS_NONE;
}
