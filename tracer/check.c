/*
 * check.c - `thrace check FILE.db [--expect FILE]`: trace-based regression
 * assertions. Checks every process of the database: the built-in invariants
 * (check_invariants.h), then, with --expect, its thread sections
 * (check_assign.h, check_match.h) and rules (check_rules.h). Problems go to
 * stdout, one headline each with detail below; a one-line verdict to
 * stderr. Exit 0 when all hold, 1 when any does not (or the database cannot
 * be read), 2 on bad usage or a bad expectation file ("file:line: reason").
 * tracer/CHECK.md documents the expectation format.
 */
#include "check_assign.h"
#include "check_expect.h"
#include "check_invariants.h"
#include "check_report.h"
#include "check_rules.h"
#include "check_trace.h"
#include "cli.h"
#include "commands.h"
#include "db.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *db_path;
    const char *expect_path; /* or NULL */
} check_options;

static const char usage[] =
    "usage: thrace check FILE.db [--expect FILE]\n"
    "\n"
    "Checks a recorded trace: the built-in invariants, and with --expect what FILE\n"
    "says each thread does (tracer/CHECK.md has the format). Prints each problem;\n"
    "exits 0 when there is none, 1 when there is, 2 on bad usage or a bad FILE.\n"
    "\n"
    "  --expect FILE  an expectation: thread sections of lines as `thrace log --all`\n"
    "                 prints them, with wildcards; orders across threads; bounds\n"
    "  -h, --help     this help\n"
    "\n"
    "Built-in invariants (`skip NAME` in FILE turns one off):\n"
    "  mutual-exclusion  no Lock held by two threads at once, no RLock owned by two\n"
    "  semaphore-bounds  no semaphore acquired past its value; no BoundedSemaphore\n"
    "                    released past it\n"
    "  barrier-rounds    no thread passes a barrier before all its parties arrived\n"
    "  threads-joined    every started thread that is no daemon exited\n"
    "  no-discards       LTTng lost no event (`allow discarded` in FILE accepts it)\n"
    "Objects are replayed in seq order, never by timestamps.\n";

static int parse(int argc, char **argv, check_options *o)
{
    static const struct option longopts[] = {{"expect", required_argument, NULL, 'e'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0; /* our own one-line message instead */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'e')
            o->expect_path = optarg;
        else if (c == 'h')
            return fputs(usage, stdout) < 0 ? CLI_FAIL : -1;
        else if (optopt == 'e')
            return cli_usage_error("check", "--expect needs a FILE");
        else
            return cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("check", "expected one database, FILE.db");
    o->db_path = argv[optind];
    return CLI_OK;
}

/* Thread sections: reports sections short of threads, then threads without
 * a section. Each thread's diff is told once. */
/* Diffs against section s of the threads it names that fit no section (those
 * that follow another are no news here); returns how many. */
static size_t diff_homeless(const check_expect *x, const check_trace *t, const check_assignment *a,
                            size_t s, check_report *r, bool *told)
{
    size_t shown = 0;
    for (size_t th = 0; th < t->nthreads; th++) {
        const check_outcome *o = &a->outcome[s * t->nthreads + th];
        if (a->named[s * t->nthreads + th] && !o->ok && !told[th] && a->section_of[th] < 0) {
            check_report_diff(r, x, &x->sections[s], t, &t->threads[th], o);
            told[th] = true;
            shown++;
        }
    }
    return shown;
}

/* Sections that got fewer threads than they describe. */
static void report_sections(const check_expect *x, const check_trace *t, const check_assignment *a,
                            check_report *r, bool *told)
{
    for (size_t s = 0; s < a->nsections; s++) {
        const check_section *sec = &x->sections[s];
        if (a->load[s] >= sec->min)
            continue;
        size_t named = 0;
        for (size_t th = 0; th < t->nthreads; th++)
            named += a->named[s * t->nthreads + th];
        if (named == 0) {
            check_report_problem(r, "%s:%d: %s: no thread of that name", x->path, sec->line,
                                 sec->header);
            continue;
        }
        if (sec->min > 1)
            check_report_problem(r, "%s:%d: %s: %zu of the %zu threads so named follow it", x->path,
                                 sec->line, sec->header, a->load[s], named);
        if (diff_homeless(x, t, a, s, r, told) == 0 && sec->min == 1)
            check_report_problem(r, "%s:%d: %s: the threads so named follow other sections",
                                 x->path, sec->line, sec->header);
    }
}

/* A section naming th that its lines follow, else the one they followed
 * furthest, else -1. */
static long closest(const check_assignment *a, size_t th)
{
    long best = -1;
    for (size_t s = 0; s < a->nsections; s++) {
        const check_outcome *o = &a->outcome[s * a->nthreads + th];
        if (!a->named[s * a->nthreads + th])
            continue;
        if (o->ok)
            return (long)s;
        if (best < 0 || o->at > a->outcome[(size_t)best * a->nthreads + th].at)
            best = (long)s;
    }
    return best;
}

/* Threads that need a section and got none. */
static void report_homeless(const check_expect *x, const check_trace *t, const check_assignment *a,
                            check_report *r, const bool *told)
{
    for (size_t th = 0; th < t->nthreads; th++) {
        if (!a->needs[th] || a->section_of[th] >= 0 || told[th])
            continue;
        const check_thread *thread = &t->threads[th];
        long s = closest(a, th);
        if (s < 0) {
            check_report_problem(r,
                                 "%s: thread %s: no section names it (write one, or 'allow "
                                 "other threads'); its first lines:",
                                 x->path, thread->name);
            for (size_t i = 0; i < thread->nlines && i < 3; i++)
                check_report_detail(r, "+ %s", t->lines[thread->lines[i]].text);
        } else if (a->outcome[(size_t)s * t->nthreads + th].ok) {
            check_report_problem(r,
                                 "%s:%d: %s: thread %s follows it, but it describes %u "
                                 "threads already",
                                 x->path, x->sections[s].line, x->sections[s].header, thread->name,
                                 x->sections[s].max);
        } else {
            check_report_diff(r, x, &x->sections[s], t, thread,
                              &a->outcome[(size_t)s * t->nthreads + th]);
        }
    }
}

static bool check_sections(const check_expect *x, const check_trace *t, check_report *r)
{
    check_assignment a;
    bool *told = calloc(t->nthreads + 1, sizeof *told);
    bool ok = told && check_assign(&a, x, t);
    if (ok) {
        report_sections(x, t, &a, r, told);
        report_homeless(x, t, &a, r, told);
    }
    if (told)
        check_assignment_free(&a);
    free(told);
    return ok;
}

/* Whether x needs the lines of the trace (not only its objects and threads). */
static bool needs_lines(const check_expect *x)
{
    bool rules = false;
    for (size_t i = 0; i < x->nrules; i++)
        rules |= x->rules[i].kind != RULE_AT_MOST;
    return x->nsections > 0 || rules;
}

/* Checks one process; false (reason in *err) when the database fails us. */
static bool check_process(sqlite3 *db, int64_t process, const check_expect *x, check_report *r,
                          size_t *threads, const char **err)
{
    check_trace t;
    bool ok = check_trace_load_threads(&t, db, process, err);
    if (ok && needs_lines(x)) {
        ok = check_trace_load_lines(&t, db, x->log_only, err);
        if (ok && !check_sections(x, &t, r)) {
            *err = "out of memory";
            ok = false;
        }
    }
    ok = ok && check_rules(x, &t, db, r, err) && check_invariants(x->skip, db, &t, r, err);
    *threads += t.nthreads;
    check_trace_free(&t);
    return ok;
}

static const char processes_query[] =
    "SELECT id, pid, COALESCE(name, '?'), (SELECT COUNT(*) FROM processes) FROM processes"
    " ORDER BY id";

/* Checks every process of db; returns how many there were, or -1 (reason in *err). */
static long check_processes(sqlite3 *db, const check_expect *x, check_report *r, size_t *threads,
                            const char **err)
{
    sqlite3_stmt *st;
    char scope[256];
    long n = 0;
    if (sqlite3_prepare_v2(db, processes_query, -1, &st, NULL) != SQLITE_OK) {
        *err = sqlite3_errmsg(db);
        return -1;
    }
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        n++;
        scope[0] = '\0';
        if (sqlite3_column_int64(st, 3) > 1)
            snprintf(scope, sizeof scope, "process %lld (%s): ", sqlite3_column_int64(st, 1),
                     (const char *)sqlite3_column_text(st, 2));
        r->scope = scope;
        ok = check_process(db, sqlite3_column_int64(st, 0), x, r, threads, err);
    }
    r->scope = "";
    sqlite3_finalize(st);
    return ok ? n : -1;
}

/* The verdict: a line on stdout when all holds, on stderr when not. */
static int verdict(const check_options *o, const check_report *r, size_t threads)
{
    char against[1024];
    snprintf(against, sizeof against, "%s%s", o->expect_path ? o->expect_path : "",
             o->expect_path ? " and " : "");
    if (r->problems == 0) {
        printf("%s: meets %sthe built-in invariants (%zu thread%s)\n", o->db_path, against, threads,
               threads == 1 ? "" : "s");
        return CLI_OK;
    }
    return cli_error("check", o->db_path, "%zu problem%s against %sthe built-in invariants",
                     r->problems, r->problems == 1 ? "" : "s", against);
}

static int run(const check_options *o, const check_expect *x)
{
    const char *err;
    sqlite3 *db = db_open(o->db_path, false, &err);
    if (!db)
        return cli_error("check", o->db_path, "%s", err);
    check_report r = {.out = stdout, .scope = ""};
    size_t threads = 0;
    long processes = check_processes(db, x, &r, &threads, &err);
    int rc;
    if (processes < 0)
        rc = cli_error("check", o->db_path, "%s", err);
    else if (processes == 0)
        rc = cli_error("check", o->db_path, "holds no trace");
    else
        rc = verdict(o, &r, threads);
    db_close(db);
    return rc;
}

int check_main(int argc, char **argv)
{
    check_options o = {0};
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    check_expect x = {0};
    char err[1024];
    if (o.expect_path && !check_expect_load(&x, o.expect_path, err, sizeof err)) {
        fprintf(stderr, "thrace check: %s\n", err);
        return CLI_USAGE;
    }
    rc = run(&o, &x);
    check_expect_free(&x);
    return rc;
}
