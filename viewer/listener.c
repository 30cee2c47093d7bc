/*
 * listener.c - parses the address, binds and listens (listener.h). The
 * socket goes to libmicrohttpd, which closes it when the server stops.
 */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BACKLOG = 128 };

static bool parse(const char *addr, int port, struct sockaddr_storage *sa, socklen_t *len)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
    memset(sa, 0, sizeof *sa);
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return true;
    }
    if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return true;
    }
    return false;
}

/* The URL of the bound socket, and whether it is a loopback address. */
static void describe(const struct sockaddr_storage *sa, listener *out)
{
    char host[INET6_ADDRSTRLEN];
    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        snprintf(out->url, sizeof out->url, "http://%s:%d/", host, ntohs(v4->sin_port));
        out->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        snprintf(out->url, sizeof out->url, "http://[%s]:%d/", host, ntohs(v6->sin6_port));
        out->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    }
}

bool listener_open(const char *addr, int port, listener *out, failure *why)
{
    struct sockaddr_storage sa;
    socklen_t len;
    if (!parse(addr, port, &sa, &len))
        return failure_set(why, "not an IPv4 or IPv6 address");
    int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    /* A restarted server may take its port back from connections in TIME_WAIT;
     * a port another socket listens on stays refused. */
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, len) != 0 || listen(fd, BACKLOG) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        failure_set(why, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    out->fd = fd;
    describe(&sa, out);
    return true;
}
