/*
 * relayd.c - finding or starting the lttng-relayd of a URL
 * `net://HOST[:LIVE_PORT]`, and stopping only the one we started.
 *
 * "Answers" means a TCP connection to the live port succeeds: that is the
 * port live readers need, and the one LTTng's default layout puts last. A
 * relay daemon is started only on a loopback address (one on another host is
 * not ours to start) and only as our own child, not daemonized: its pid is
 * then known without a pid file, cannot be reused while we have not reaped
 * it, and stopping it by that pid is exact. Invariant: r->started is
 * non-zero exactly while that child is unreaped.
 */
#include "relayd.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
    RELAYD_CONNECT_MS = 1000, /* for a connection to the live port */
    RELAYD_START_MS = 5000,   /* for a relay daemon to answer, or to end once told to */
    RELAYD_POLL_MS = 50
};

static const char relayd_scheme[] = "net://";

static void relayd_nap(void)
{
    struct timespec t = {0, RELAYD_POLL_MS * 1000000L};
    nanosleep(&t, NULL);
}

/* Host names and IPv4 addresses only: an IPv6 one would need brackets LTTng's URLs lack. */
static bool relayd_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* The ":LIVE_PORT" part (port must leave room for the two below it); false when bad. */
static bool relayd_parse_port(const char *text, int *port)
{
    char *end;
    if (!isdigit((unsigned char)*text))
        return false;
    errno = 0;
    long p = strtol(text, &end, 10);
    if (errno || *end || p < 3 || p > 65535)
        return false;
    *port = (int)p;
    return true;
}

bool relayd_parse(relayd *r, const char *url, failure *why)
{
    memset(r, 0, sizeof *r);
    r->live_port = 5344;
    if (!url)
        url = RELAYD_DEFAULT_URL;
    if (strncmp(url, relayd_scheme, sizeof relayd_scheme - 1) != 0)
        return failure_object(why, url, "not a relay daemon URL, net://HOST[:PORT]");
    const char *host = url + sizeof relayd_scheme - 1;
    size_t len = 0;
    while (relayd_host_char(host[len]))
        len++;
    const char *rest = host + len;
    if (strchr(rest, '/'))
        return failure_object(why, url, "a relay daemon URL has no path: net://HOST[:PORT]");
    if (!len || len >= sizeof r->host || (*rest && *rest != ':'))
        return failure_object(why, url,
                              "not a relay daemon URL, net://HOST[:PORT] (a name or IPv4 address)");
    if (*rest && !relayd_parse_port(rest + 1, &r->live_port))
        return failure_object(why, url, "the port is not a number from 3 to 65535");
    memcpy(r->host, host, len);
    snprintf(r->url, sizeof r->url, "%s%s:%d", relayd_scheme, r->host, r->live_port);
    return true;
}

/* HOST's addresses for port, TCP; NULL when it does not resolve. */
static struct addrinfo *relayd_resolve(const relayd *r, int port)
{
    struct addrinfo hints, *list = NULL;
    char service[16];
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%d", port);
    return getaddrinfo(r->host, service, &hints, &list) == 0 ? list : NULL;
}

/* Connects within RELAYD_CONNECT_MS: a host that drops packets must not hang us. */
static bool relayd_connects(const struct addrinfo *a)
{
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0)
        return false;
    bool ok = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    if (!ok && errno == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int e = 0;
        socklen_t len = sizeof e;
        ok = poll(&p, 1, RELAYD_CONNECT_MS) == 1 &&
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0;
    }
    close(fd);
    return ok;
}

bool relayd_answers(const relayd *r)
{
    struct addrinfo *list = relayd_resolve(r, r->live_port);
    bool ok = false;
    for (const struct addrinfo *a = list; a && !ok; a = a->ai_next)
        ok = relayd_connects(a);
    if (list)
        freeaddrinfo(list);
    return ok;
}

/* Whether every address of HOST is a loopback one (127.0.0.0/8). */
static bool relayd_is_loopback(const relayd *r)
{
    struct addrinfo *list = relayd_resolve(r, r->live_port);
    bool loopback = list != NULL;
    for (const struct addrinfo *a = list; a; a = a->ai_next) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a->ai_addr;
        loopback = loopback && (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (list)
        freeaddrinfo(list);
    return loopback;
}

/* Starts lttng-relayd on r's ports; its pid, or -1 with the reason in why. */
static pid_t relayd_spawn(const relayd *r, const char *output_dir, failure *why)
{
    char ctrl[300], data[300], live[300];
    snprintf(ctrl, sizeof ctrl, "tcp://%s:%d", r->host, r->live_port - 2);
    snprintf(data, sizeof data, "tcp://%s:%d", r->host, r->live_port - 1);
    snprintf(live, sizeof live, "tcp://%s:%d", r->host, r->live_port);
    char *argv[] = {"lttng-relayd",     "-C", ctrl, "-D", data, "-L", live, "-o",
                    (char *)output_dir, NULL};
    posix_spawnattr_t attr;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGHUP);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_init(&attr);
    /* Its own process group: a Ctrl-C meant for us must not end it before we are done. Its
     * signals as a fresh process has them, whatever we block or ignore: SIGTERM must stop it. */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    if (e == 0)
        return pid;
    failure_object(why, "lttng-relayd", "%s",
                   e == ENOENT ? "not found (is lttng-tools installed?)" : strerror(e));
    return -1;
}

/* Reaps pid if it has ended: 1 with its status, 0 while it runs, -1 when it is not our child. */
static int relayd_reap(pid_t pid, int *status)
{
    pid_t got;
    while ((got = waitpid(pid, status, WNOHANG)) < 0)
        if (errno != EINTR)
            return -1;
    return got == pid;
}

/* How a child ended, for a message: "exit status N" or "signal N". */
static void relayd_describe(int status, char *out, size_t size)
{
    if (WIFEXITED(status))
        snprintf(out, size, "exit status %d", WEXITSTATUS(status));
    else
        snprintf(out, size, "signal %d", WTERMSIG(status));
}

/* Waits until our child answers; false with the reason when it ends or stays silent. */
static bool relayd_wait_answer(relayd *r, failure *why)
{
    char how[64];
    int status;
    for (int waited = 0; waited <= RELAYD_START_MS; waited += RELAYD_POLL_MS) {
        if (relayd_answers(r))
            return true;
        int reaped = relayd_reap(r->started, &status);
        if (reaped != 0) {
            r->started = 0;
            /* Another relay daemon may have taken the ports first: use it. */
            if (relayd_answers(r))
                return true;
            relayd_describe(status, how, sizeof how);
            return failure_object(why, "lttng-relayd", "ended (%s) before answering on %s", how,
                                  r->url);
        }
        relayd_nap();
    }
    relayd_stop(r, why); /* how it stopped matters less than that it never answered: */
    return failure_object(why, "lttng-relayd", "started, but nothing answers on %s within %d s",
                          r->url, RELAYD_START_MS / 1000);
}

bool relayd_use(relayd *r, const char *output_dir, failure *why)
{
    r->started = 0;
    if (relayd_answers(r))
        return true;
    if (!relayd_is_loopback(r))
        return failure_object(why, "lttng-relayd",
                              "nothing answers on %s (one on another host is not started from"
                              " here: start it there)",
                              r->url);
    pid_t pid = relayd_spawn(r, output_dir, why);
    if (pid < 0)
        return false;
    r->started = pid;
    return relayd_wait_answer(r, why);
}

bool relayd_ended(relayd *r, char *how, size_t size)
{
    int status;
    if (!r->started || relayd_reap(r->started, &status) == 0)
        return false;
    relayd_describe(status, how, size);
    r->started = 0;
    return true;
}

bool relayd_stop(relayd *r, failure *why)
{
    pid_t pid = r->started;
    int status = 0;
    r->started = 0;
    if (!pid)
        return true;
    kill(pid, SIGTERM);
    for (int waited = 0; waited < RELAYD_START_MS; waited += RELAYD_POLL_MS) {
        int reaped = relayd_reap(pid, &status);
        if (reaped < 0) /* reaped by someone else: it is gone */
            return true;
        if (reaped > 0 && ((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) ||
                           (WIFEXITED(status) && WEXITSTATUS(status) == 0)))
            return true;
        if (reaped > 0) {
            char how[64];
            relayd_describe(status, how, sizeof how);
            failure_set(why, "lttng-relayd %d: had failed (%s)", (int)pid, how);
            return false;
        }
        relayd_nap();
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    failure_set(why, "lttng-relayd %d: still running %d s after SIGTERM: killed", (int)pid,
                RELAYD_START_MS / 1000);
    return false;
}

void relayd_control_url(const relayd *r, char *out, size_t size)
{
    snprintf(out, size, "%s%s:%d:%d", relayd_scheme, r->host, r->live_port - 2, r->live_port - 1);
}
