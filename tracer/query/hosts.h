/*
 * hosts.h - which host and process a row came from, as reports name it:
 * "pid 1243", or "pid 1243 on hostB" once the database's traces come from
 * more than one host (`thrace daemon` storing several machines' sessions,
 * or `thrace record --append` on two): the host is then what tells two
 * processes, and their identical `Lock-1`s, apart. `thrace deadlocks`,
 * `thrace stats` and `thrace log` name processes through it; the page
 * applies the same rule (viewer/page/trace.js).
 */
#ifndef THRACE_TRACER_QUERY_HOSTS_H
#define THRACE_TRACER_QUERY_HOSTS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether db's traces name more than one host (a trace whose hostname is
 * unknown counts as a host of its own); false on a database error too. */
bool hosts_several(sqlite3 *db);

/* A process for people, into buf: "pid 1243"; with several (hosts_several),
 * "pid 1243 on hostB" (host NULL: "on an unknown host"; its control
 * characters escaped). Returns buf. */
const char *hosts_process(int64_t pid, const char *host, bool several, char *buf, size_t size);

#endif
