/*
 * dbpool.c - a fixed set of read-only SQLite connections behind one mutex.
 * The pool is as large as the server's thread pool, so a request never
 * waits in practice; the condition variable covers the rest. Invariant:
 * free[0..nfree) are the connections nobody holds.
 */
#include "dbpool.h"

#include "store.h"

#include <pthread.h>
#include <stdlib.h>

struct dbpool {
    pthread_mutex_t mutex;
    pthread_cond_t returned;
    int size, nfree;
    sqlite3 **all, **free;
};

/* Reads go through mmap: the threads' connections share the OS's page
 * cache instead of each copying pages into its own. */
static const char tuning[] = "PRAGMA mmap_size = 1073741824; PRAGMA query_only = 1";

static dbpool *pool_new(int size)
{
    dbpool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->all = calloc((size_t)size, sizeof *p->all);
    p->free = calloc((size_t)size, sizeof *p->free);
    if (!p->all || !p->free) {
        free(p->all);
        free(p->free);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mutex, NULL);
    pthread_cond_init(&p->returned, NULL);
    p->size = size;
    return p;
}

dbpool *dbpool_open(const char *path, int size, failure *why)
{
    dbpool *p = pool_new(size);
    if (!p) {
        failure_set(why, "out of memory");
        return NULL;
    }
    for (int i = 0; i < size; i++) {
        sqlite3 *db = db_open(path, false, why);
        bool tuned = db && db_exec(db, tuning, why);
        if (db && !tuned)
            failure_object(why, path, "cannot set up a connection");
        if (!tuned) {
            db_close(db);
            dbpool_close(p);
            return NULL;
        }
        p->all[i] = p->free[p->nfree++] = db;
    }
    return p;
}

sqlite3 *dbpool_take(dbpool *p)
{
    pthread_mutex_lock(&p->mutex);
    while (p->nfree == 0)
        pthread_cond_wait(&p->returned, &p->mutex);
    sqlite3 *db = p->free[--p->nfree];
    pthread_mutex_unlock(&p->mutex);
    /* One read transaction per request: one snapshot for all its queries,
     * and the file's locks taken once, not once per statement. */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    return db;
}

void dbpool_give(dbpool *p, sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); /* it read, it wrote nothing */
    pthread_mutex_lock(&p->mutex);
    p->free[p->nfree++] = db;
    pthread_cond_signal(&p->returned);
    pthread_mutex_unlock(&p->mutex);
}

void dbpool_close(dbpool *p)
{
    for (int i = 0; i < p->size; i++)
        db_close(p->all[i]);
    pthread_cond_destroy(&p->returned);
    pthread_mutex_destroy(&p->mutex);
    free(p->all);
    free(p->free);
    free(p);
}
