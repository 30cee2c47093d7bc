/*
 * check_assign.c - threads to sections (check_assign.h), by augmenting
 * paths (Kuhn's algorithm) with capacities: first every section takes its
 * minimum, moving threads between sections when that frees one; then every
 * thread still without a section looks for one with room, again moving
 * others along. A move never lowers a section's count, so the minimums
 * filled first stay filled.
 */
#include "check_assign.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static bool names(const check_section *s, const char *name)
{
    for (size_t g = 0; g < s->nglobs; g++)
        if (fnmatch(s->globs[g], name, 0) == 0)
            return true;
    return false;
}

bool check_assign_fits(const check_assignment *a, size_t s, size_t th)
{
    size_t k = s * a->nthreads + th;
    return a->named[k] && a->outcome[k].ok;
}

/* Gives section s one more thread, taking one from another section if that
 * one can take another in turn. */
static bool take(check_assignment *a, size_t s, bool *visited)
{
    for (size_t th = 0; th < a->nthreads; th++) {
        if (visited[th] || !check_assign_fits(a, s, th) || a->section_of[th] == (long)s)
            continue;
        visited[th] = true;
        long from = a->section_of[th];
        if (from >= 0 && !take(a, (size_t)from, visited))
            continue;
        if (from >= 0)
            a->load[from]--; /* it took another instead */
        a->section_of[th] = (long)s;
        a->load[s]++;
        return true;
    }
    return false;
}

/* Finds thread th a section with room, moving another thread out of a full
 * one if that one finds a section in turn. */
static bool place(check_assignment *a, const check_expect *x, size_t th, bool *visited)
{
    for (size_t s = 0; s < a->nsections; s++) {
        if (visited[s] || !check_assign_fits(a, s, th) || a->section_of[th] == (long)s)
            continue;
        visited[s] = true;
        bool room = a->load[s] < x->sections[s].max;
        /* A full section makes room when one of its threads moves on (place()
         * takes it off s's count). */
        for (size_t other = 0; !room && other < a->nthreads; other++)
            room = a->section_of[other] == (long)s && place(a, x, other, visited);
        if (!room)
            continue;
        if (a->section_of[th] >= 0)
            a->load[a->section_of[th]]--;
        a->section_of[th] = (long)s;
        a->load[s]++;
        return true;
    }
    return false;
}

static bool match_all(check_assignment *a, const check_expect *x, const check_trace *t)
{
    for (size_t s = 0; s < a->nsections; s++) {
        const check_section *sec = &x->sections[s];
        for (size_t th = 0; th < a->nthreads; th++) {
            size_t k = s * a->nthreads + th;
            a->named[k] = names(sec, t->threads[th].name);
            if (a->named[k] && !check_program_run(sec->program, t, &t->threads[th], sec->unfinished,
                                                  &a->outcome[k]))
                return false;
        }
    }
    return true;
}

static bool assign(check_assignment *a, const check_expect *x)
{
    size_t most = a->nsections > a->nthreads ? a->nsections : a->nthreads;
    bool *visited = malloc(most ? most : 1);
    if (!visited)
        return false;
    for (size_t s = 0; s < a->nsections; s++) {
        while (a->load[s] < x->sections[s].min) {
            memset(visited, 0, a->nthreads);
            if (!take(a, s, visited))
                break;
        }
    }
    for (size_t th = 0; th < a->nthreads; th++) {
        if (a->section_of[th] < 0 && a->needs[th]) {
            memset(visited, 0, a->nsections);
            place(a, x, th, visited);
        }
    }
    free(visited);
    return true;
}

/* Which threads need a section: none when there are no sections or others
 * are allowed; with `match log`, only those that logged. */
static void mark_needs(check_assignment *a, const check_expect *x, const check_trace *t)
{
    for (size_t th = 0; th < a->nthreads; th++)
        a->needs[th] = x->nsections > 0 && !x->allow_other_threads &&
                       (!x->log_only || t->threads[th].nlines > 0);
}

bool check_assign(check_assignment *a, const check_expect *x, const check_trace *t)
{
    size_t pairs = x->nsections * t->nthreads;
    *a = (check_assignment){.nsections = x->nsections, .nthreads = t->nthreads};
    a->named = calloc(pairs + 1, sizeof *a->named);
    a->outcome = calloc(pairs + 1, sizeof *a->outcome);
    a->needs = calloc(t->nthreads + 1, sizeof *a->needs);
    a->section_of = malloc((t->nthreads + 1) * sizeof *a->section_of);
    a->load = calloc(x->nsections + 1, sizeof *a->load);
    if (!a->named || !a->outcome || !a->needs || !a->section_of || !a->load)
        return false;
    for (size_t th = 0; th < t->nthreads; th++)
        a->section_of[th] = -1;
    mark_needs(a, x, t);
    return match_all(a, x, t) && assign(a, x);
}

void check_assignment_free(check_assignment *a)
{
    size_t pairs = a->nsections * a->nthreads;
    for (size_t k = 0; a->outcome && k < pairs; k++)
        check_outcome_free(&a->outcome[k]);
    free(a->named);
    free(a->outcome);
    free(a->needs);
    free(a->section_of);
    free(a->load);
    *a = (check_assignment){0};
}
