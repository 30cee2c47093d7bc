/*
 * relaycopy.c - the relay daemon's copy of a live trace (relaycopy.h).
 *
 * lttng-relayd writes each session under OUTPUT/HOSTNAME/SESSION-DATE-TIME/,
 * one CTF trace per buffer owner and bitness below that. The trace asked
 * for is the one whose metadata's first packet header (CTF 1.8: magic, then
 * the trace's UUID) carries its UUID. The replacement runs under a
 * savepoint: a copy that does not store leaves the live trace as it was.
 */
#include "relaycopy.h"

#include "ingest.h"
#include "store.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { METADATA_MAGIC = 0x75d11d57 };

/* The UUID in the metadata packet header of the trace in dir, in btmsg_uuid's
 * form; false when the metadata is not packetized or cannot be read. */
static bool relaycopy_uuid(const char *dir, char *out, size_t size)
{
    char path[PATH_MAX];
    unsigned char h[20];
    snprintf(path, sizeof path, "%s/metadata", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && read(fd, h, sizeof h) == (ssize_t)sizeof h;
    if (fd >= 0)
        close(fd);
    uint32_t magic = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    uint32_t swapped = __builtin_bswap32(magic);
    if (!ok || (magic != METADATA_MAGIC && swapped != METADATA_MAGIC))
        return false;
    btmsg_uuid_text(h + 4, out, size);
    return true;
}

bool relaycopy_find(const char *copies, const char *host, const char *uuid, char *dir, size_t size)
{
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/%s", copies, host ? host : "");
    char *roots[] = {root};
    tracedir_list found = {0};
    failure ignored; /* no copy there is an answer, not a failure */
    bool hit = false;
    if (tracedir_find(roots, 1, &found, &ignored))
        for (size_t i = 0; i < found.n && !hit; i++) {
            char its[64];
            hit = relaycopy_uuid(found.paths[i], its, sizeof its) && strcmp(its, uuid) == 0;
            if (hit)
                snprintf(dir, size, "%s", found.paths[i]);
        }
    tracedir_free(&found);
    return hit;
}

/* What names a stored trace: its UUID, host and path. */
typedef struct {
    char uuid[PATH_MAX + 8], host[256], path[PATH_MAX];
} relaycopy_identity;

/* The stored trace row's identity; false on a database error (reason in why). */
static bool relaycopy_identify(sqlite3 *db, int64_t row, relaycopy_identity *id, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT uuid, COALESCE(hostname, ''), path FROM traces WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    sqlite3_bind_int64(st, 1, row);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok) {
        snprintf(id->uuid, sizeof id->uuid, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(id->host, sizeof id->host, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(id->path, sizeof id->path, "%s", (const char *)sqlite3_column_text(st, 2));
    } else {
        failure_set(why, "trace %lld is not stored", (long long)row);
    }
    sqlite3_finalize(st);
    return ok;
}

relaycopy_outcome relaycopy_replace(sqlite3 *db, const char *copies, int64_t row, int64_t *replaced,
                                    failure *why)
{
    relaycopy_identity id;
    char dir[PATH_MAX];
    if (!relaycopy_identify(db, row, &id, why))
        return RELAYCOPY_FAILED;
    if (!copies || !relaycopy_find(copies, id.host, id.uuid, dir, sizeof dir))
        return RELAYCOPY_NONE;
    if (!db_exec(db, "SAVEPOINT relaycopy", why))
        return RELAYCOPY_FAILED;
    *replaced = tracerow_drop(db, row, why) ? ingest_trace_here(db, dir, why) : 0;
    if (*replaced &&
        db_run(db, why, "UPDATE traces SET path = ? WHERE id = ?", "ti", id.path, *replaced))
        return db_exec(db, "RELEASE relaycopy", why) ? RELAYCOPY_REPLACED : RELAYCOPY_FAILED;
    failure ignored; /* why holds the failure: the rollback's own is no news */
    db_exec(db, "ROLLBACK TO relaycopy", &ignored);
    db_exec(db, "RELEASE relaycopy", &ignored);
    return RELAYCOPY_FAILED;
}
