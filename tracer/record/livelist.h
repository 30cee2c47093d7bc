/*
 * livelist.h - the live sessions an lttng-relayd offers, as libbabeltrace2's
 * src.ctf.lttng-live lists them (`babeltrace2 -i lttng-live net://HOST:PORT`).
 */
#ifndef THRACE_TRACER_RECORD_LIVELIST_H
#define THRACE_TRACER_RECORD_LIVELIST_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char url[512];      /* the session's live URL, net://HOST:PORT/host/HOSTNAME/NAME */
    char hostname[256]; /* the traced machine's */
    char name[256];     /* the session's */
    uint64_t streams;   /* its streams so far (none before a traced program registers) */
    uint64_t clients;   /* its live readers attached: 0 or 1, a session allows one */
} livelist_session;

/*
 * Lists the sessions of the relay daemon at relayd_url ("net://HOST:PORT",
 * relayd.h's url) into a new array *out of *n entries (NULL and 0 when it
 * has none), to free with livelist_free. false with a one-line reason in
 * why ("URL: reason") when the relay daemon does not answer or libbabeltrace2
 * fails; libbabeltrace2's error is cleared either way.
 */
bool livelist_query(const char *relayd_url, livelist_session **out, size_t *n, failure *why);

/* The entry of the session named name among s[0..n), or NULL. */
const livelist_session *livelist_find(const livelist_session *s, size_t n, const char *name);

/* Frees what livelist_query made (NULL is ignored). */
void livelist_free(livelist_session *s);

#endif
