/*
 * check_assign.h - which thread each section of an expectation describes.
 * A section names threads (globs) and says how many it describes; a thread
 * fits a section when the section names it and its lines follow the
 * section's steps. Threads are then given to sections, as a bipartite
 * matching with capacities, so that every section gets at least its
 * minimum and every thread that needs a section gets one: threads whose
 * order the scheduler decides (two workers running the same code) can be
 * described by sections in any order.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_ASSIGN_H
#define THRACE_TRACER_CHECK_CHECK_ASSIGN_H

#include "check_expect.h"
#include "check_match.h"
#include "check_trace.h"

typedef struct {
    size_t nsections, nthreads;
    bool *named;            /* [s * nthreads + th]: section s names thread th */
    check_outcome *outcome; /* [s * nthreads + th]: th's lines against s, when named */
    bool *needs;            /* per thread: it must belong to a section */
    long *section_of;       /* per thread: the section describing it, or -1 */
    size_t *load;           /* per section: how many threads it describes */
} check_assignment;

/* Matches every thread against the sections naming it, then assigns. False only
 * when out of memory. */
bool check_assign(check_assignment *a, const check_expect *x, const check_trace *t);

/* Whether section s names thread th and th's lines follow it. */
bool check_assign_fits(const check_assignment *a, size_t s, size_t th);

void check_assignment_free(check_assignment *a);

#endif
