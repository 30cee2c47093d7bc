/*
 * listener.h - the server's listening socket: an IPv4 or IPv6 literal and
 * a port (0: any free one), bound before the server starts, so that a bad
 * address or a port in use is a one-line error with its reason.
 */
#ifndef THRACE_VIEWER_LISTENER_H
#define THRACE_VIEWER_LISTENER_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int fd;        /* listening, non-blocking */
    char url[80];  /* "http://127.0.0.1:8080/", "http://[::1]:8080/" */
    bool loopback; /* 127.0.0.0/8 or ::1 */
} listener;

/* Binds addr:port and listens; false with the reason in why (the caller
 * names the address, as URLs write it). */
bool listener_open(const char *addr, int port, listener *out, failure *why);

#endif
