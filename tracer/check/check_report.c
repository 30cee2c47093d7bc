/*
 * check_report.c - problems and diffs as `thrace check` prints them
 * (check_report.h). A diff shows a few lines that matched, the lines the
 * steps wanted there ("-", with the line of the expectation that says so)
 * and the thread's lines from there on ("+"), as a unified diff or
 * pytest's assertion rewriting would.
 */
#include "check_report.h"

#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { CONTEXT = 3, GOT = 3 };

void check_report_problem(check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(r->out, "%s%s", r->problems ? "\n" : "", r->scope);
    vfprintf(r->out, fmt, ap);
    fputc('\n', r->out);
    va_end(ap);
    r->problems++;
}

void check_report_detail(check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("    ", r->out);
    vfprintf(r->out, fmt, ap);
    fputc('\n', r->out);
    va_end(ap);
}

void check_report_trace_line(check_report *r, const check_trace *t, size_t line)
{
    char prefix[128];
    const check_line *l = &t->lines[line];
    logline_thread_prefix(t->threads[l->thread].name, prefix, sizeof prefix);
    check_report_detail(r, "[%12.6f] %s%s", (double)l->offset_ns / 1e9, prefix, l->text);
}

/* A thread's line i as part of a diff: mark, then its text. */
static void diff_line(check_report *r, char mark, const check_trace *t, const check_thread *th,
                      size_t i)
{
    check_report_detail(r, "%c %s", mark, t->lines[th->lines[i]].text);
}

static void expected_lines(check_report *r, const check_outcome *o)
{
    for (size_t i = 0; i < o->nexpected; i++)
        check_report_detail(r, "- %s    (line %d)", o->expected[i]->text, o->expected[i]->line);
    if (o->could_end || o->nexpected == 0)
        check_report_detail(r, "- (the section's end)");
}

void check_report_diff(check_report *r, const check_expect *x, const check_section *s,
                       const check_trace *t, const check_thread *th, const check_outcome *o)
{
    /* A section of one plain name has said which thread already. */
    char which[512] = "";
    if (s->max != 1 || s->nglobs != 1 || strpbrk(s->globs[0], "*?[\\"))
        snprintf(which, sizeof which, "thread %s, ", th->name);
    if (o->at < th->nlines)
        check_report_problem(r, "%s:%d: %s: %sline %zu differs (- expected, + got):", x->path,
                             s->line, s->header, which, o->at + 1);
    else
        check_report_problem(r, "%s:%d: %s: %sits lines end too soon (- expected, + got):", x->path,
                             s->line, s->header, which);
    size_t from = o->at > CONTEXT ? o->at - CONTEXT : 0;
    if (from > 0)
        check_report_detail(r, "  ... (%zu line%s before)", from, from == 1 ? "" : "s");
    for (size_t i = from; i < o->at; i++)
        diff_line(r, ' ', t, th, i);
    expected_lines(r, o);
    size_t to = o->at + GOT < th->nlines ? o->at + GOT : th->nlines;
    for (size_t i = o->at; i < to; i++)
        diff_line(r, '+', t, th, i);
    if (to < th->nlines)
        check_report_detail(r, "+ ... (%zu more)", th->nlines - to);
    else
        check_report_detail(r, "+ (end of thread %s)", th->name);
}
