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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    double patience_s;
    worker_progress *progress; /* NULL: none */
    void *progress_ctx;
} worker_spec;

typedef struct {
    bool finished;        /* the job returned and its result came back */
    bool silent;          /* killed after the patience passed without a beat */
    int signal;           /* the signal that ended the child, 0 when none did */
    int exit_status;      /* the child's exit status when no signal ended it */
    uint32_t stage;       /* the last stage the child told */
    char last_words[256]; /* the last line the child wrote to stderr, "" when none */
} worker_end;

/*
 * Forks, runs spec->job in the child and waits for it, killing it after
 * spec->patience_s seconds without a beat. *end says how it ended; the
 * result is in spec->result only when end->finished. False when no child
 * could be started (why says so): a child that died is still a true return.
 */
bool worker_run(const worker_spec *spec, worker_end *end, failure *why);

/* In the child: alive, count items done, fraction of the whole (negative:
 * unknown). Cheap: writes at most five times a second. */
void worker_beat(double fraction, uint64_t count);

/* In the child: now at stage (told at once, and in worker_end). */
void worker_stage(uint32_t stage);

/* The patience for jobs of this kind: THRACE_WORKER_PATIENCE (seconds)
 * when set to a positive number, else otherwise. */
double worker_patience(double otherwise);

#endif
