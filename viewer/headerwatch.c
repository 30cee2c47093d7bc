/*
 * headerwatch.c - the request headers' deadline (headerwatch.h). Every
 * open connection has an entry, its socket context, on one list: made at
 * its start, freed at its close, both under the watch's mutex, which also
 * guards each entry's clock. libmicrohttpd tells the close before it closes
 * the socket, so a socket on the list is open, and the thread may shut it
 * down (shutdown, never close: the descriptor stays libmicrohttpd's, which
 * then reads its end and closes the connection). The thread looks once a
 * second, so a late connection lives at most a second past its deadline.
 */
#include "headerwatch.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

typedef struct headerwatch_entry {
    struct headerwatch_entry *prev, *next;
    headerwatch *w;
    int fd;
    int64_t since_ns; /* when its request began to be awaited */
    bool waiting;     /* its request's headers are not all in */
    bool shut;        /* shut down already */
} headerwatch_entry;

struct headerwatch {
    pthread_mutex_t mutex;
    pthread_cond_t wake; /* signalled to stop */
    pthread_t thread;
    bool stopping;
    int64_t deadline_ns;
    headerwatch_entry *first;
};

static int64_t headerwatch_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Shuts down every connection waiting past its deadline; with the mutex held. */
static void headerwatch_sweep(headerwatch *w)
{
    int64_t late = headerwatch_now() - w->deadline_ns;
    for (headerwatch_entry *e = w->first; e; e = e->next)
        if (e->waiting && !e->shut && e->since_ns < late) {
            shutdown(e->fd, SHUT_RDWR);
            e->shut = true;
        }
}

static void *headerwatch_run(void *arg)
{
    headerwatch *w = arg;
    pthread_mutex_lock(&w->mutex);
    while (!w->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        int rc = pthread_cond_clockwait(&w->wake, &w->mutex, CLOCK_MONOTONIC, &until);
        if (rc == ETIMEDOUT)
            headerwatch_sweep(w);
    }
    pthread_mutex_unlock(&w->mutex);
    return NULL;
}

headerwatch *headerwatch_start(int deadline_s, failure *why)
{
    headerwatch *w = calloc(1, sizeof *w);
    if (!w) {
        failure_set(why, "out of memory");
        return NULL;
    }
    w->deadline_ns = (int64_t)deadline_s * 1000000000;
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, headerwatch_run, w) == 0)
        return w;
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->mutex);
    free(w);
    failure_set(why, "cannot start a thread");
    return NULL;
}

void headerwatch_stop(headerwatch *w)
{
    pthread_mutex_lock(&w->mutex);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mutex);
    pthread_join(w->thread, NULL);
    while (w->first) { /* none, once the daemon has closed its connections */
        headerwatch_entry *e = w->first;
        w->first = e->next;
        free(e);
    }
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->mutex);
    free(w);
}

/* A new connection on the list; unwatched if out of memory (the idle timeout still holds). */
static void headerwatch_add(headerwatch *w, struct MHD_Connection *c, void **socket_context)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    headerwatch_entry *e = info ? calloc(1, sizeof *e) : NULL;
    *socket_context = e;
    if (!e)
        return;
    e->w = w;
    e->fd = info->connect_fd;
    e->waiting = true;
    pthread_mutex_lock(&w->mutex);
    e->since_ns = headerwatch_now();
    e->next = w->first;
    if (w->first)
        w->first->prev = e;
    w->first = e;
    pthread_mutex_unlock(&w->mutex);
}

static void headerwatch_remove(headerwatch *w, headerwatch_entry *e)
{
    pthread_mutex_lock(&w->mutex);
    if (e->prev)
        e->prev->next = e->next;
    else
        w->first = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&w->mutex);
    free(e);
}

void headerwatch_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode toe)
{
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        headerwatch_add(cls, c, socket_context);
    else if (*socket_context)
        headerwatch_remove(cls, *socket_context);
}

/* Marks c's entry waiting (from now) or not. */
static void headerwatch_mark(struct MHD_Connection *c, bool waiting)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    headerwatch_entry *e = info ? info->socket_context : NULL;
    if (!e)
        return;
    pthread_mutex_lock(&e->w->mutex);
    e->waiting = waiting;
    e->since_ns = headerwatch_now();
    pthread_mutex_unlock(&e->w->mutex);
}

void headerwatch_completed(void *cls, struct MHD_Connection *c, void **request,
                           enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)request, (void)toe;
    headerwatch_mark(c, true);
}

void headerwatch_arrived(struct MHD_Connection *c)
{
    headerwatch_mark(c, false);
}
