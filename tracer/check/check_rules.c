/*
 * check_rules.c - order, never and at most (check_rules.h). Orders and
 * nevers look at the lines check_trace.c read; at most replays the
 * object's holders (check_objects.c).
 */
#include "check_rules.h"

#include "check_objects.h"

#include <fnmatch.h>
#include <string.h>

enum { MAX_SHOWN = 3 };

static bool refers_to(const check_ref *ref, const check_trace *t, size_t line)
{
    const check_line *l = &t->lines[line];
    return (!ref->thread || fnmatch(ref->thread, t->threads[l->thread].name, 0) == 0) &&
           check_pattern_match(&ref->pattern, l->text);
}

/* The first (or last) line ref refers to, or -1. */
static long find(const check_ref *ref, const check_trace *t, bool last)
{
    for (size_t k = 0; k < t->nlines; k++) {
        size_t i = last ? t->nlines - 1 - k : k;
        if (refers_to(ref, t, i))
            return (long)i;
    }
    return -1;
}

static void order(const check_expect *x, const check_rule *rule, const check_trace *t,
                  check_report *r)
{
    long last_a = find(&rule->a, t, true), first_b = find(&rule->b, t, false);
    if (last_a < 0 || first_b < 0) {
        check_report_problem(r, "%s:%d: %s: no line matches \"%s\"", x->path, rule->line,
                             rule->source, last_a < 0 ? rule->a.text : rule->b.text);
    } else if (first_b < last_a) {
        check_report_problem(r, "%s:%d: %s: but the trace has them the other way round:", x->path,
                             rule->line, rule->source);
        check_report_trace_line(r, t, (size_t)first_b);
        check_report_trace_line(r, t, (size_t)last_a);
    }
}

static void never(const check_expect *x, const check_rule *rule, const check_trace *t,
                  check_report *r)
{
    size_t found = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        if (!refers_to(&rule->a, t, i))
            continue;
        if (found++ == 0)
            check_report_problem(r, "%s:%d: %s: but it happened:", x->path, rule->line,
                                 rule->source);
        if (found <= MAX_SHOWN)
            check_report_trace_line(r, t, i);
    }
    if (found > MAX_SHOWN)
        check_report_detail(r, "... and %zu more", found - MAX_SHOWN);
}

/* Replays one object for `at most`: the most holders seen, and when. */
typedef struct {
    check_holders holders;
    size_t most;
    int64_t most_seq;
    int64_t most_threads[8]; /* the first of them, for the report */
    bool found;
} at_most_replay;

static bool on_event(void *ctx, const check_object_event *e, failure *why)
{
    at_most_replay *rp = ctx;
    rp->found = true;
    if (e->after_gap) /* its holders before are unknown: a lost release is no holder */
        check_holders_clear(&rp->holders);
    if (!check_holders_apply(&rp->holders, e))
        return failure_set(why, "out of memory");
    if (rp->holders.n > rp->most) {
        rp->most = rp->holders.n;
        rp->most_seq = e->seq;
        for (size_t i = 0; i < rp->holders.n && i < 8; i++)
            rp->most_threads[i] = rp->holders.threads[i];
    }
    return true;
}

static bool at_most(const check_expect *x, const check_rule *rule, const check_trace *t,
                    sqlite3 *db, check_report *r, failure *why)
{
    at_most_replay rp = {0};
    bool ok = check_objects_scan(db, t, rule->object, on_event, &rp, why);
    check_holders_free(&rp.holders);
    if (!ok)
        return false;
    if (!rp.found) {
        check_report_problem(
            r, "%s:%d: %s: no lock, rlock, rwlock or semaphore of that name was taken", x->path,
            rule->line, rule->source);
    } else if (rp.most > (size_t)rule->n) {
        char names[512];
        size_t at = 0;
        for (size_t i = 0; i < rp.most && i < 8 && at < sizeof names; i++) {
            long th = check_trace_thread_index(t, rp.most_threads[i]);
            at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", i ? ", " : "",
                                   th >= 0 ? t->threads[th].name : "?");
        }
        check_report_problem(r, "%s:%d: %s: but %zu held it at once (seq %lld): threads %s%s",
                             x->path, rule->line, rule->source, rp.most, (long long)rp.most_seq,
                             names, rp.most > 8 ? ", ..." : "");
    }
    return true;
}

bool check_rules(const check_expect *x, const check_trace *t, sqlite3 *db, check_report *r,
                 failure *why)
{
    for (size_t i = 0; i < x->nrules; i++) {
        const check_rule *rule = &x->rules[i];
        if (rule->kind == RULE_ORDER)
            order(x, rule, t, r);
        else if (rule->kind == RULE_NEVER)
            never(x, rule, t, r);
        else if (!at_most(x, rule, t, db, r, why))
            return false;
    }
    return true;
}
