/*
 * check.c - trace-based regression assertions over a database, process by
 * process: the built-in invariants (check_invariants.h), then, with an
 * expectation, its thread sections (check_assign.h, check_match.h) and
 * rules (check_rules.h); then trace by trace, once its processes are
 * checked, the deadlocks and leaks (check_deadlocks.h). Problems go to the report,
 * one headline each with detail below, under the check they belong to.
 * README.md documents the expectation format.
 */
#include "check.h"

#include "check_assign.h"
#include "check_deadlocks.h"
#include "check_invariants.h"
#include "check_rules.h"
#include "query.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The checks of a process, all told even when they pass: its invariants
 * not skipped, and its expectation. Left on the expectation's. */
static void declare_checks(const check_expect *x, check_report *r)
{
    for (int i = 0; i < INV_COUNT; i++)
        if (i != INV_DEADLOCKS && i != INV_LEAKS && !x->skip[i])
            check_report_case(r, check_invariant_names[i]);
    if (x->path)
        check_report_case(r, "expectation");
}

/* Checks one process; false (reason in why) when the database fails us. */
static bool check_process(sqlite3 *db, int64_t process, const check_expect *x, check_report *r,
                          size_t *threads, failure *why)
{
    check_trace t;
    declare_checks(x, r);
    bool ok = check_trace_load_threads(&t, db, process, why);
    if (ok && needs_lines(x))
        ok = check_trace_load_lines(&t, db, x->log_only, why) &&
             (check_sections(x, &t, r) || failure_set(why, "out of memory"));
    ok = ok && check_rules(x, &t, db, r, why) && check_invariants(x, db, &t, r, why);
    *threads += t.nthreads;
    check_trace_free(&t);
    return ok;
}

/* Each process, with its trace, how many there are of both, and its
 * trace's hostname, in trace order. */
static const char processes_query[] =
    "SELECT p.id, p.pid, COALESCE(p.name, '?'), (SELECT COUNT(*) FROM processes), p.trace_id,"
    " (SELECT COUNT(*) FROM traces), COALESCE(tr.hostname, 'an unknown host')"
    " FROM processes p JOIN traces tr ON tr.id = p.trace_id ORDER BY p.trace_id, p.id";

/* "process 1234 (prog): ", "process 1234 (prog on hostB): " with several hosts. */
static void check_scope(sqlite3_stmt *st, bool hosts, char *scope, size_t size)
{
    scope[0] = '\0';
    if (sqlite3_column_int64(st, 3) > 1)
        snprintf(scope, size, "process %lld (%s%s%s): ", sqlite3_column_int64(st, 1),
                 (const char *)sqlite3_column_text(st, 2), hosts ? " on " : "",
                 hosts ? (const char *)sqlite3_column_text(st, 6) : "");
}

/* The deadlocks and leaks of the trace whose processes are checked, unless both are skipped. */
static bool check_trace_deadlocks(sqlite3 *db, const check_expect *x, int64_t traces,
                                  check_report *r, failure *why)
{
    char scope[64] = "";
    if (x->skip[INV_DEADLOCKS] && x->skip[INV_LEAKS])
        return true;
    if (traces > 1)
        snprintf(scope, sizeof scope, "trace %lld: ", (long long)r->trace_id);
    r->scope = scope;
    bool ok = check_deadlocks(db, r->trace_id, x->skip, r, why);
    r->scope = "";
    return ok;
}

long check_database(sqlite3 *db, const check_expect *x, check_report *r, size_t *threads,
                    failure *why)
{
    sqlite3_stmt *st;
    char scope[256];
    long n = 0;
    int64_t traces = 0;
    if (sqlite3_prepare_v2(db, processes_query, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, why);
        return -1;
    }
    bool ok = true, hosts = hosts_several(db);
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        int64_t trace_id = sqlite3_column_int64(st, 4);
        if (n++ && trace_id != r->trace_id)
            ok = check_trace_deadlocks(db, x, traces, r, why);
        traces = sqlite3_column_int64(st, 5);
        r->trace_id = trace_id;
        check_scope(st, hosts, scope, sizeof scope);
        r->scope = scope;
        ok = ok && check_process(db, sqlite3_column_int64(st, 0), x, r, threads, why);
    }
    r->scope = "";
    sqlite3_finalize(st);
    ok = ok && (n == 0 || check_trace_deadlocks(db, x, traces, r, why));
    if (ok && r->out_of_memory)
        ok = failure_set(why, "out of memory");
    return ok ? n : -1;
}
