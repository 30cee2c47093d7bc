/*
 * batch.c - rows gathered in buffers, written by one thread per connection.
 *
 * Each batch owns BATCH_BUFFERS buffers, used in turn: the decoding thread
 * fills one while the writer inserts the ones queued before it, and waits
 * only when it comes back to a buffer still queued. A buffer holds its
 * values and copies of their texts (an arena, kept as offsets since it moves
 * as it grows). The writer takes buffers from one queue, in the order they
 * were filled, and writes each in statements of BATCH_ROWS rows (the last,
 * partial one prepares its own statement).
 *
 * The writer's mutex guards the queue, every buffer's `queued` flag and
 * every batch's `failed` and `why`; a buffer's contents belong to the
 * filling thread until queued and to the writer until unqueued. After a
 * failure a batch writes nothing more: its trace will be rolled back. The
 * writer keeps the first failure's reason in the batch (it has no caller
 * to give it to), and the filling thread's next batch_row or batch_flush
 * passes it on; `why` never changes once `failed` is set.
 */
#include "batch.h"

#include "db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    BATCH_STEPS = 16,  /* statements per buffer: handing over costs a wake-up */
    BATCH_BUFFERS = 4, /* per batch */
    BATCH_QUEUE = 64   /* more than the buffers of all a writer's batches */
};

typedef enum { BATCH_NULL, BATCH_INT, BATCH_TEXT, BATCH_STATIC } batch_kind;

typedef struct {
    batch_kind kind;
    union {
        int64_t i;
        size_t offset; /* BATCH_TEXT: in the arena */
        const char *s; /* BATCH_STATIC */
    } u;
} batch_value;

typedef struct {
    batch_value *values; /* BATCH_STEPS * BATCH_ROWS rows */
    int given;
    char *arena;
    size_t used, cap;
    bool queued;
} batch_buffer;

struct batch {
    batch_writer *w;
    char *insert;            /* "INSERT INTO t (columns) VALUES" */
    const char *on_conflict; /* follows the rows: "" or an upsert clause */
    int columns;
    sqlite3_stmt *full; /* BATCH_ROWS rows; the writer's */
    batch_buffer buffers[BATCH_BUFFERS];
    int filling;
    bool out_of_memory; /* the filling thread's */
    bool failed;
    failure why; /* the writer's first failure */
};

struct batch_writer {
    sqlite3 *db;
    bool threaded, stop;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t queued, written;
    struct {
        batch *b;
        batch_buffer *buffer;
    } queue[BATCH_QUEUE];
    int head, n;
};

/* ---- writing ----------------------------------------------------------------- */

/* The statement inserting rows rows, or NULL with the reason in why. */
static sqlite3_stmt *batch_prepare(batch *b, int rows, failure *why)
{
    size_t head = strlen(b->insert), row = 2 * (size_t)b->columns + 2;
    size_t tail = strlen(b->on_conflict);
    char *sql = malloc(head + (size_t)rows * row + 1 + tail + 1);
    if (!sql) {
        failure_set(why, "out of memory");
        return NULL;
    }
    memcpy(sql, b->insert, head);
    char *p = sql + head;
    for (int r = 0; r < rows; r++) {
        *p++ = r ? ',' : ' ';
        *p++ = '(';
        for (int c = 0; c < b->columns; c++) {
            if (c)
                *p++ = ',';
            *p++ = '?';
        }
        *p++ = ')';
    }
    if (tail) {
        *p++ = ' ';
        memcpy(p, b->on_conflict, tail);
        p += tail;
    }
    *p = '\0';
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(b->w->db, sql, (int)(p - sql), SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
        SQLITE_OK)
        db_fail(b->w->db, why);
    free(sql);
    return st;
}

/* Inserts rows values[0 .. rows * columns) with one statement. */
static bool batch_insert(batch *b, const batch_buffer *buf, const batch_value *values, int rows,
                         failure *why)
{
    sqlite3_stmt *st = rows == BATCH_ROWS ? b->full : batch_prepare(b, rows, why);
    if (!st)
        return false;
    for (int i = 0; i < rows * b->columns; i++) {
        const batch_value *v = &values[i];
        switch (v->kind) {
        case BATCH_INT:
            sqlite3_bind_int64(st, i + 1, v->u.i);
            break;
        case BATCH_TEXT:
            sqlite3_bind_text(st, i + 1, buf->arena + v->u.offset, -1, SQLITE_STATIC);
            break;
        case BATCH_STATIC:
            sqlite3_bind_text(st, i + 1, v->u.s, -1, SQLITE_STATIC);
            break;
        default:
            sqlite3_bind_null(st, i + 1);
            break;
        }
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        db_fail(b->w->db, why);
    if (st == b->full)
        sqlite3_reset(st);
    else
        sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

/* Writes one buffer (the writer's while it is queued). */
static void batch_write(batch *b, batch_buffer *buf)
{
    batch_writer *w = b->w;
    pthread_mutex_lock(&w->mutex);
    bool skip = b->failed;
    pthread_mutex_unlock(&w->mutex);
    failure why;
    int rows = buf->given / b->columns;
    /* Held across the buffer, the connection's (recursive) mutex makes each
     * bind's own enter a cheap re-entry. */
    sqlite3_mutex *m = sqlite3_db_mutex(w->db);
    sqlite3_mutex_enter(m);
    for (int done = 0; !skip && done < rows; done += BATCH_ROWS) {
        int n = rows - done < BATCH_ROWS ? rows - done : BATCH_ROWS;
        if (!batch_insert(b, buf, buf->values + (size_t)done * (size_t)b->columns, n, &why)) {
            pthread_mutex_lock(&w->mutex);
            b->failed = true;
            b->why = why;
            pthread_mutex_unlock(&w->mutex);
            break;
        }
    }
    sqlite3_mutex_leave(m);
}

static void *batch_writer_run(void *arg)
{
    batch_writer *w = arg;
    pthread_mutex_lock(&w->mutex);
    for (;;) {
        while (!w->n && !w->stop)
            pthread_cond_wait(&w->queued, &w->mutex);
        if (!w->n)
            break;
        batch *b = w->queue[w->head].b;
        batch_buffer *buf = w->queue[w->head].buffer;
        pthread_mutex_unlock(&w->mutex);
        batch_write(b, buf);
        pthread_mutex_lock(&w->mutex);
        w->head = (w->head + 1) % BATCH_QUEUE;
        w->n--;
        buf->queued = false;
        pthread_cond_broadcast(&w->written);
    }
    pthread_mutex_unlock(&w->mutex);
    return NULL;
}

batch_writer *batch_writer_new(sqlite3 *db)
{
    batch_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->db = db;
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->queued, NULL);
    pthread_cond_init(&w->written, NULL);
    /* Another thread may use a connection only if SQLite serialises it. */
    w->threaded =
        sqlite3_db_mutex(db) && pthread_create(&w->thread, NULL, batch_writer_run, w) == 0;
    return w;
}

void batch_writer_free(batch_writer *w)
{
    if (!w)
        return;
    if (w->threaded) {
        pthread_mutex_lock(&w->mutex);
        w->stop = true;
        pthread_cond_signal(&w->queued);
        pthread_mutex_unlock(&w->mutex);
        pthread_join(w->thread, NULL);
    }
    pthread_cond_destroy(&w->queued);
    pthread_cond_destroy(&w->written);
    pthread_mutex_destroy(&w->mutex);
    free(w);
}

/* ---- filling ----------------------------------------------------------------- */

batch *batch_new_upsert(batch_writer *w, const char *table, const char *columns, int n,
                        const char *on_conflict, failure *why)
{
    batch *b = calloc(1, sizeof *b);
    size_t size = strlen(table) + strlen(columns) + 32;
    bool ok = b && (b->insert = malloc(size));
    for (int i = 0; ok && i < BATCH_BUFFERS; i++)
        ok = (b->buffers[i].values = calloc((size_t)BATCH_STEPS * BATCH_ROWS * (size_t)n,
                                            sizeof(batch_value))) != NULL;
    if (!ok) {
        failure_set(why, "out of memory");
        batch_free(b);
        return NULL;
    }
    /* OR FAIL: a failing row fails the whole trace anyway, and without
     * ABORT's partial rollback SQLite keeps no statement journal (a temp
     * file written for every multi-row insert). */
    snprintf(b->insert, size, "INSERT OR FAIL INTO %s (%s) VALUES", table, columns);
    b->w = w;
    b->columns = n;
    b->on_conflict = on_conflict;
    b->full = batch_prepare(b, BATCH_ROWS, why);
    if (!b->full) {
        batch_free(b);
        return NULL;
    }
    return b;
}

batch *batch_new(batch_writer *w, const char *table, const char *columns, int n, failure *why)
{
    return batch_new_upsert(w, table, columns, n, "", why);
}

/* The batch's failure, into why; returns false. The writer set b->why
 * before b->failed, under the mutex the caller saw b->failed under. */
static bool batch_failed(const batch *b, failure *why)
{
    if (b->out_of_memory)
        return failure_set(why, "out of memory");
    *why = b->why;
    return false;
}

static batch_value *batch_next(batch *b)
{
    batch_buffer *buf = &b->buffers[b->filling];
    return &buf->values[buf->given++];
}

void batch_int(batch *b, int64_t v)
{
    *batch_next(b) = (batch_value){BATCH_INT, {.i = v}};
}

void batch_id(batch *b, int64_t id)
{
    *batch_next(b) = (batch_value){id ? BATCH_INT : BATCH_NULL, {.i = id}};
}

void batch_static(batch *b, const char *s)
{
    *batch_next(b) = (batch_value){s ? BATCH_STATIC : BATCH_NULL, {.s = s}};
}

void batch_text(batch *b, const char *s)
{
    batch_buffer *buf = &b->buffers[b->filling];
    size_t n = s ? strlen(s) + 1 : 0;
    if (s && buf->used + n > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 4096;
        while (cap < buf->used + n)
            cap *= 2;
        char *arena = realloc(buf->arena, cap);
        if (!arena) {
            b->out_of_memory = true;
            s = NULL;
        } else {
            buf->arena = arena;
            buf->cap = cap;
        }
    }
    if (!s) {
        *batch_next(b) = (batch_value){BATCH_NULL, {.i = 0}};
        return;
    }
    memcpy(buf->arena + buf->used, s, n);
    *batch_next(b) = (batch_value){BATCH_TEXT, {.offset = buf->used}};
    buf->used += n;
}

/* Hands the buffer being filled to the writer, and takes the next one once
 * it is written. Returns whether the batch has not failed. */
static bool batch_hand_over(batch *b)
{
    batch_writer *w = b->w;
    batch_buffer *buf = &b->buffers[b->filling];
    if (!w->threaded) {
        batch_write(b, buf);
        buf->given = 0;
        buf->used = 0;
        return !b->failed;
    }
    int next = (b->filling + 1) % BATCH_BUFFERS;
    pthread_mutex_lock(&w->mutex);
    buf->queued = true;
    w->queue[(w->head + w->n) % BATCH_QUEUE].b = b;
    w->queue[(w->head + w->n) % BATCH_QUEUE].buffer = buf;
    w->n++;
    pthread_cond_signal(&w->queued);
    while (b->buffers[next].queued)
        pthread_cond_wait(&w->written, &w->mutex);
    bool failed = b->failed;
    pthread_mutex_unlock(&w->mutex);
    b->filling = next;
    b->buffers[next].given = 0;
    b->buffers[next].used = 0;
    return !failed;
}

bool batch_row(batch *b, failure *why)
{
    if (b->out_of_memory)
        return batch_failed(b, why);
    if (b->buffers[b->filling].given < BATCH_STEPS * BATCH_ROWS * b->columns)
        return true;
    return batch_hand_over(b) || batch_failed(b, why);
}

/* Waits until the writer holds none of b's buffers. */
static void batch_wait(batch *b)
{
    batch_writer *w = b->w;
    pthread_mutex_lock(&w->mutex);
    for (int i = 0; i < BATCH_BUFFERS; i++)
        while (b->buffers[i].queued)
            pthread_cond_wait(&w->written, &w->mutex);
    pthread_mutex_unlock(&w->mutex);
}

bool batch_flush(batch *b, failure *why)
{
    if (b->out_of_memory || (b->buffers[b->filling].given && !batch_hand_over(b)))
        return batch_failed(b, why);
    batch_wait(b);
    return !b->failed || batch_failed(b, why);
}

void batch_free(batch *b)
{
    if (!b)
        return;
    if (b->w && b->w->threaded)
        batch_wait(b);
    sqlite3_finalize(b->full);
    for (int i = 0; i < BATCH_BUFFERS; i++) {
        free(b->buffers[i].values);
        free(b->buffers[i].arena);
    }
    free(b->insert);
    free(b);
}
