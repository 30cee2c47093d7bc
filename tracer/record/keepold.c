/*
 * keepold.c - an existing database kept as FILE.old (keepold.h). Only a
 * thrace database is moved, or replaced: db_open refuses another
 * application's SQLite file, which stays where it is. A database's -wal and
 * -shm files go with it, and a replaced FILE.old's own are removed first:
 * SQLite would otherwise read a stale -wal into the database moved there.
 */
#include "keepold.h"

#include "store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Absent, or a thrace database that this thrace can open. */
static bool keepold_ours(const char *path, failure *why)
{
    if (access(path, F_OK) != 0)
        return true;
    sqlite3 *db = db_open(path, true, why);
    db_close(db);
    return db != NULL;
}

bool keepold_check(const char *path, failure *why)
{
    char old[PATH_MAX];
    if (snprintf(old, sizeof old, "%s.old", path) >= (int)sizeof old)
        return failure_object(why, path, "name too long to keep it as .old");
    return keepold_ours(old, why);
}

/* Renames from+suffix to to+suffix; absent is fine. */
static bool keepold_rename(const char *from, const char *to, const char *suffix, failure *why)
{
    char a[PATH_MAX + 8], b[PATH_MAX + 8];
    snprintf(a, sizeof a, "%s%s", from, suffix);
    snprintf(b, sizeof b, "%s%s", to, suffix);
    if (rename(a, b) == 0 || errno == ENOENT)
        return true;
    return failure_object(why, a, "cannot keep it as %s: %s", b, strerror(errno));
}

/* Removes path+suffix; absent is fine. */
static bool keepold_unlink(const char *path, const char *suffix, failure *why)
{
    char p[PATH_MAX + 8];
    snprintf(p, sizeof p, "%s%s", path, suffix);
    if (unlink(p) == 0 || errno == ENOENT)
        return true;
    return failure_object(why, p, "%s", strerror(errno));
}

bool keepold_move(const char *path, char *old, size_t size, failure *why)
{
    if (snprintf(old, size, "%s.old", path) >= (int)size)
        return failure_object(why, path, "name too long to keep it as .old");
    /* The database first: its -wal is useless without it, not the other way round. */
    return keepold_unlink(old, "-wal", why) && keepold_unlink(old, "-shm", why) &&
           keepold_rename(path, old, "", why) && keepold_rename(path, old, "-wal", why) &&
           keepold_rename(path, old, "-shm", why);
}
