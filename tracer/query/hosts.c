/*
 * hosts.c - a process named by pid and, when the traces come from several
 * hosts, by host (hosts.h). No state.
 */
#include "hosts.h"

#include "base.h"
#include "store.h"

#include <stdio.h>

bool hosts_several(sqlite3 *db)
{
    return db_value(db, "SELECT count(DISTINCT COALESCE(hostname, '')) FROM traces", 0) > 1;
}

const char *hosts_process(int64_t pid, const char *host, bool several, char *buf, size_t size)
{
    char shown[256]; /* the trace's host, its control characters escaped */
    if (!several)
        snprintf(buf, size, "pid %lld", (long long)pid);
    else if (host)
        snprintf(buf, size, "pid %lld on %s", (long long)pid,
                 escape_controls(host, shown, sizeof shown));
    else
        snprintf(buf, size, "pid %lld on an unknown host", (long long)pid);
    return buf;
}
