/*
 * worker.h - a job run in a child process that the caller watches, so that
 * what the job runs cannot take the caller down: libbabeltrace2 hangs on
 * some damaged traces and aborts on others. The child tells it is alive
 * (worker_beat) and where it is (worker_stage); a child that dies, or is
 * silent for longer than the patience, is killed and its end told to the
 * caller, who words it. The child's result comes back as bytes, and its
 * beats, which may say how far it is, to a callback in the caller. What
 * the child writes to stderr (libbabeltrace2's assertion before an abort)
 * is kept, and its last line told when the child dies.
 */
#ifndef THRACE_TRACER_INGEST_WORKER_H
#define THRACE_TRACER_INGEST_WORKER_H

#include "base.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Runs in the child: writes at most size bytes of result into result;
 * its return value becomes the child's exit status (0 or 1). */
typedef bool worker_job(void *arg, void *result, size_t size);

/* In the caller, at each beat and stage change: how far the child is
 * (fraction 0 to 1, negative when unknown; count items). */
typedef void worker_progress(void *ctx, uint32_t stage, double fraction, uint64_t count);

typedef struct {
    worker_job *job;
    void *arg;
    void *result; /* size bytes, for the job's result */
    size_t size;
    double patience_s;         /* 0: waits as long as the child lives */
    worker_progress *progress; /* NULL: none */
    void *progress_ctx;
    const sigset_t *forward; /* signals blocked in the caller, passed on to the child; or NULL */
    bool pass_stderr;        /* the child writes to the caller's stderr: no last words */
} worker_spec;

typedef struct {
    bool finished;        /* the job returned and its result came back */
    bool silent;          /* killed after the patience passed without a beat */
    int signal;           /* the signal that ended the child, 0 when none did */
    int exit_status;      /* the child's exit status when no signal ended it */
    int forwarded;        /* the last signal passed on to the child, 0 when none */
    uint32_t stage;       /* the last stage the child told (WORKER_NO_STAGE: none) */
    char stage_name[240]; /* its name */
    char last_words[256]; /* the last line the child wrote to stderr, "" when none */
} worker_end;

/*
 * Forks, runs spec->job in the child and waits for it, killing it after
 * spec->patience_s seconds without a beat. The child dies with the caller
 * (PR_SET_PDEATHSIG); SIGINT, SIGTERM and SIGHUP take their default
 * action in it, unless blocked (a blocked mask is inherited). *end says how it ended; the
 * result is in spec->result only when end->finished. False when no child
 * could be started (why says so): a child that died is still a true return.
 */
bool worker_run(const worker_spec *spec, worker_end *end, failure *why);

/* A child started, to wait for. */
typedef struct {
    pid_t pid;
    int fd, err, signals; /* the pipe, its stderr's memfd, the signals passed on (-1: none) */
} worker;

/* worker_run in two steps, for a caller that must fork before it starts
 * threads (a child forked from a process with threads may find a lock
 * held forever, SQLite's among them): the child, then the wait. */
bool worker_start(const worker_spec *spec, worker *w, failure *why);
void worker_wait(worker *w, const worker_spec *spec, worker_end *end);

/* In the child: alive, count items done, fraction of the whole (negative:
 * unknown). Cheap: writes at most five times a second. */
void worker_beat(double fraction, uint64_t count);

enum { WORKER_NO_STAGE = UINT32_MAX };

/* In the child: now at stage, called name (told at once, and in
 * worker_end); WORKER_NO_STAGE and "" between stages. */
void worker_stage(uint32_t stage, const char *name);

/* The patience for jobs of this kind: THRACE_WORKER_PATIENCE (seconds)
 * when set to a positive number, else otherwise. */
double worker_patience(double otherwise);

#endif
