/*
 * check_match.h - whether a thread's lines follow a section's steps. The
 * steps compile to a small program of line matches, splits and jumps (a
 * Thompson automaton over lines, as Pike's regexp VM is over characters),
 * run over the lines once, keeping every way the steps could be followed at
 * the same time: linear in the lines, whatever the steps.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_MATCH_H
#define THRACE_TRACER_CHECK_CHECK_MATCH_H

#include "check_expect.h"
#include "check_trace.h"

/* Where following the steps failed, when it did. */
typedef struct {
    bool ok;
    size_t at; /* the thread's first line that no way accepts; nlines at the end */
    const check_step **expected; /* the lines some way wanted there (a set: each once) */
    size_t nexpected;
    bool could_end; /* at: the steps could also have ended there */
} check_outcome;

/* The instructions a whole expectation file may compile to, all its
 * sections together: the bound on its memory, however its repeats nest. */
enum { CHECK_MAX_STEPS = 1000000 };

/* Compiles steps, taking its instructions from *left (what the file has
 * left of CHECK_MAX_STEPS); NULL with the reason (past the budget, out of
 * memory) in why. */
check_program *check_program_compile(const check_steps *steps, size_t *left, failure *why);

/*
 * Runs prog over th's lines (texts from t). unfinished: the lines may stop
 * anywhere in the steps. False only when out of memory.
 */
bool check_program_run(const check_program *prog, const check_trace *t, const check_thread *th,
                       bool unfinished, check_outcome *out);

void check_outcome_free(check_outcome *out);
void check_program_free(check_program *prog);

#endif
