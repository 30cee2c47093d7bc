/*
 * check_expect.h - an expectation file of `thrace check`, parsed
 * (check_parse.c): thread sections, each a tree of steps that the thread's
 * lines must follow, and rules across threads. README.md here documents the
 * format; this is its shape in memory. Everything is owned by the
 * check_expect and freed with it.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_EXPECT_H
#define THRACE_TRACER_CHECK_CHECK_EXPECT_H

#include "base.h"
#include "check_pattern.h"
#include "query.h"

#include <stdbool.h>
#include <stddef.h>

#define CHECK_UNBOUNDED ((unsigned)-1)

typedef struct check_step check_step;
typedef struct check_program check_program; /* check_match.h */

/* A sequence of steps, followed one after the other. */
typedef struct {
    check_step *v;
    size_t n;
} check_steps;

typedef enum {
    STEP_LINE,   /* one line matching pattern */
    STEP_ANY,    /* `...`: any lines, none included */
    STEP_REPEAT, /* `repeat N..M:` and `? PATTERN`: body, min to max times */
    STEP_EITHER  /* `either:` / `or:`: one of alts */
} check_step_kind;

struct check_step {
    check_step_kind kind;
    int line;   /* where it is written */
    char *text; /* STEP_LINE: the pattern as written */
    check_pattern pattern;
    unsigned min, max; /* STEP_REPEAT; max may be CHECK_UNBOUNDED */
    check_steps body;  /* STEP_REPEAT */
    check_steps *alts; /* STEP_EITHER */
    size_t nalts;
};

/* `thread NAME`, `threads GLOB...`, `N threads GLOB...`, maybe `unfinished`. */
typedef struct {
    int line;
    char *header; /* as written, for reports */
    char **globs; /* thread names, fnmatch(3) patterns */
    size_t nglobs;
    unsigned min, max; /* how many threads it describes */
    bool unfinished;   /* a thread's lines may stop anywhere in it */
    check_steps steps;
    check_program *program; /* the steps, compiled */
} check_section;

/* `[THREAD] "PATTERN"` in a rule. */
typedef struct {
    char *thread; /* glob, or NULL for any thread */
    char *text;
    check_pattern pattern;
} check_ref;

typedef enum { RULE_ORDER, RULE_NEVER, RULE_AT_MOST } check_rule_kind;

typedef struct {
    check_rule_kind kind;
    int line;
    char *source;   /* the line as written, for reports */
    check_ref a, b; /* ORDER: a before b; NEVER: a */
    long n;         /* AT_MOST */
    char *object;   /* AT_MOST: the object's name */
} check_rule;

/* The built-in invariants (check_invariants.c, and check_deadlocks.c for
 * the last two, checked per trace rather than per process), for `skip NAME`. */
typedef enum {
    INV_MUTUAL_EXCLUSION,
    INV_SEMAPHORE_BOUNDS,
    INV_BARRIER_ROUNDS,
    INV_THREADS_JOINED,
    INV_NO_DISCARDS,
    INV_DEADLOCKS,
    INV_LEAKS,
    INV_COUNT
} check_invariant;

/* Their names, as `skip` takes them and reports print them. */
extern const char *const check_invariant_names[INV_COUNT];

/* The word `allow` takes for each cause of loss: discarded, unread, cut. */
extern const char *const check_loss_words[LOSSES_CAUSES];

typedef struct {
    const char *path;
    check_section *sections;
    size_t nsections;
    check_rule *rules;
    size_t nrules;
    bool skip[INV_COUNT];      /* `skip NAME`; --no-deadlocks INV_DEADLOCKS, --no-leaks
                                  INV_LEAKS */
    bool allow[LOSSES_CAUSES]; /* `allow discarded`, `allow unread`, `allow cut`: a
                                  loss of that cause does not break no-discards */
    bool allow_other_threads;  /* threads no section describes are fine */
    bool log_only;             /* `match log`: sections and rules see log lines only */
} check_expect;

/*
 * Reads and parses the file at path. On a bad file, false with
 * "path:line: reason" in why (or "path: reason" when it could not be read).
 */
bool check_expect_load(check_expect *x, const char *path, failure *why);

void check_expect_free(check_expect *x);

#endif
