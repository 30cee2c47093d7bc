/*
 * supervise.c - the daemon's storing in a watched child process (live.h's
 * live_supervise). libbabeltrace2 may hang or abort on what a relay
 * daemon sends; the child is the one that goes then. Its transaction
 * never commits; the next child resumes every live trace from the last
 * commit, as a daemon started again does, and counts what went unread.
 * The session the child was reading when it crashed is excluded, so that
 * it cannot crash the next one too.
 *
 * The children are forked by a supervisor, itself forked before the
 * daemon starts any thread (the viewer's): a child forked from a process
 * with threads may find a lock held forever (SQLite's, malloc's). The
 * supervisor has one thread, and only waits.
 */
#include "live.h"

#include "ingest.h"
#include "store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long the storing may go without a beat, and how many children may
 * crash without the daemon giving up, once none has lived a minute. */
static const double SUPERVISE_PATIENCE_S = 60;
enum { SUPERVISE_CRASHES = 5, SUPERVISE_STEADY_S = 60, SUPERVISE_BEAT_STEPS = 1 << 16 };

enum { SUPERVISE_MAX_EXCLUDED = 64 };

typedef struct {
    const char *db_path;
    const live_options *options;
    const sigset_t *stop;
    const char *excluded[SUPERVISE_MAX_EXCLUDED]; /* sessions that crashed a child */
    size_t nexcluded;
} supervise_args;

typedef struct {
    bool ok;
    failure why;
} supervise_result;

static int supervise_sqlite_beat(void *unused)
{
    (void)unused;
    worker_beat(-1, 0);
    return 0;
}

/* Waits up to ms for a stop signal; true when one came. */
static bool supervise_stopped(const sigset_t *stop, int ms)
{
    struct timespec wait = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int sig = sigtimedwait(stop, NULL, &wait);
    if (sig > 0)
        live_say("%s: committing and stopping", strsignal(sig));
    return sig > 0;
}

/* The connection of the storing: WAL, so that readers never wait; no
 * foreign-key checks, as for an ingest (the model refers only to rows it
 * wrote itself); a page cache that keeps the indexes' hot pages across
 * ticks (64 MiB at most). */
static sqlite3 *supervise_open(const char *db_path, failure *why)
{
    sqlite3 *db = db_open(db_path, true, why);
    if (db && !db_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                       "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536",
                       why)) {
        db_close(db);
        return NULL;
    }
    if (db)
        sqlite3_progress_handler(db, SUPERVISE_BEAT_STEPS, supervise_sqlite_beat, NULL);
    return db;
}

/* Rounds until a stop signal, or the database fails. */
static bool supervise_rounds(live *l, const sigset_t *stop, failure *why)
{
    for (;;) {
        worker_beat(-1, 0);
        int ms = live_round(l, why);
        if (ms < 0)
            return false;
        if (supervise_stopped(stop, ms))
            return true;
    }
}

/* The child's job: its connection, the exclusions, the rounds. */
static bool supervise_job(void *arg, void *result, size_t size)
{
    const supervise_args *a = arg;
    supervise_result *r = result;
    if (size < sizeof *r)
        return false;
    *r = (supervise_result){0};
    sqlite3 *db = supervise_open(a->db_path, &r->why);
    live *l = db ? live_new(db, a->options) : NULL;
    if (db && !l)
        failure_set(&r->why, "out of memory");
    r->ok = l != NULL;
    for (size_t i = 0; r->ok && i < a->nexcluded; i++)
        r->ok = live_exclude(l, a->excluded[i], &r->why);
    r->ok = r->ok && supervise_rounds(l, a->stop, &r->why);
    live_free(l);
    db_close(db);
    return r->ok;
}

/* A child that crashed or hung while reading a session: the session is excluded. */
static bool supervise_culprit(supervise_args *a, const worker_end *end)
{
    bool crashed = end->silent || end->signal == SIGSEGV || end->signal == SIGABRT ||
                   end->signal == SIGBUS || end->signal == SIGFPE || end->signal == SIGILL;
    if (!crashed || end->stage == WORKER_NO_STAGE || a->nexcluded == SUPERVISE_MAX_EXCLUDED)
        return false;
    a->excluded[a->nexcluded] = strdup(end->stage_name);
    return a->excluded[a->nexcluded] && ++a->nexcluded;
}

/* Says how the child ended, in one line, and what comes next. */
static void supervise_tell(const worker_end *end, bool culprit, double patience_s)
{
    char how[96];
    if (end->silent)
        snprintf(how, sizeof how, "made no progress for %g s", patience_s);
    else if (end->signal)
        snprintf(how, sizeof how, "crashed (%s)", strsignal(end->signal));
    else
        snprintf(how, sizeof how, "ended without a word (exit status %d)", end->exit_status);
    if (culprit)
        live_say("%s: the storing %s reading this session: it is not followed any more, its trace "
                 "keeps what was committed (the relay daemon's copy holds it all); storing the "
                 "others again",
                 end->stage_name, how);
    else
        live_say("the storing %s: storing again from the last commit", how);
}

static double supervise_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The storing children, one after the other (in the supervisor). */
static bool supervise_children(supervise_args *a, failure *why)
{
    supervise_result result;
    worker_spec spec = {.job = supervise_job,
                        .arg = a,
                        .result = &result,
                        .size = sizeof result,
                        .patience_s = worker_patience(SUPERVISE_PATIENCE_S),
                        .forward = a->stop,
                        .pass_stderr = true};
    for (int crashes = 0;;) {
        worker_end end;
        double started = supervise_now();
        if (!worker_run(&spec, &end, why))
            return false;
        if (end.finished)
            return result.ok || failure_set(why, "%s", result.why.text);
        if (end.forwarded) /* stopping: its death is not news */
            return true;
        crashes = supervise_now() - started > SUPERVISE_STEADY_S ? 1 : crashes + 1;
        supervise_tell(&end, supervise_culprit(a, &end), spec.patience_s);
        if (crashes > SUPERVISE_CRASHES)
            return failure_set(why, "the storing crashed %d times in a row: stopped", crashes);
    }
}

/* The supervisor's job: the children, then the result. */
static bool supervise_job_all(void *arg, void *result, size_t size)
{
    supervise_args *a = arg;
    supervise_result *r = result;
    if (size < sizeof *r)
        return false;
    *r = (supervise_result){0};
    r->ok = supervise_children(a, &r->why);
    for (size_t i = 0; i < a->nexcluded; i++)
        free((char *)a->excluded[i]);
    return r->ok;
}

struct live_supervisor {
    supervise_args args;
    supervise_result result;
    worker_spec spec;
    worker w;
};

live_supervisor *live_supervisor_start(const char *db_path, const live_options *o,
                                       const sigset_t *stop, failure *why)
{
    live_supervisor *s = calloc(1, sizeof *s);
    if (!s) {
        failure_set(why, "out of memory");
        return NULL;
    }
    s->args = (supervise_args){.db_path = db_path, .options = o, .stop = stop};
    s->spec = (worker_spec){.job = supervise_job_all,
                            .arg = &s->args,
                            .result = &s->result,
                            .size = sizeof s->result,
                            .forward = stop,
                            .pass_stderr = true};
    if (worker_start(&s->spec, &s->w, why))
        return s;
    free(s);
    return NULL;
}

int live_supervisor_wait(live_supervisor *s, failure *why)
{
    worker_end end;
    worker_wait(&s->w, &s->spec, &end);
    bool ok = end.finished ? s->result.ok || failure_set(why, "%s", s->result.why.text)
                           : failure_set(why, "the storing's supervisor %s %d",
                                         end.signal ? "was killed by signal" : "exited with",
                                         end.signal ? end.signal : end.exit_status);
    free(s);
    return ok ? 0 : -1;
}

void live_supervisor_stop(live_supervisor *s)
{
    failure ignored; /* stopping: how it went is no news */
    kill(s->w.pid, SIGTERM);
    live_supervisor_wait(s, &ignored);
}
