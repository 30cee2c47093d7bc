/*
 * check_report.c - problems and diffs as `thrace check` prints them
 * (check_report.h). A diff shows a few lines that matched, the lines the
 * steps wanted there ("-", with the line of the expectation that says so)
 * and the thread's lines from there on ("+"), as a unified diff or
 * pytest's assertion rewriting would. Each problem is also kept, with
 * the check it belongs to, as the text printed less its scope.
 */
#include "check_report.h"

#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CONTEXT = 3, GOT = 3 };

/* The check of that kind in the current scope and trace, or -1. */
static long check_report_find(const check_report *r, const char *name)
{
    for (size_t i = r->ncases; i-- > 0;)
        if (r->cases[i].trace_id == r->trace_id && strcmp(r->cases[i].name, name) == 0)
            return (long)i;
    return -1;
}

void check_report_case(check_report *r, const char *kind)
{
    char *name;
    if (asprintf(&name, "%s%s", r->scope ? r->scope : "", kind) < 0) {
        r->out_of_memory = true;
        return;
    }
    long found = check_report_find(r, name);
    if (found >= 0) {
        free(name);
        r->current = (size_t)found;
        return;
    }
    if (!grow_for(&r->cases, r->ncases, &r->cases_cap, sizeof *r->cases, 16)) {
        free(name);
        r->out_of_memory = true;
        return;
    }
    r->cases[r->ncases] = (check_case){.trace_id = r->trace_id, .name = name, .kind = kind};
    r->current = r->ncases++;
}

/* Keeps text (taken) as the next entry of *list (a problem or a note) of
 * the current check. */
static bool check_report_keep_in(check_report *r, check_problem **list, size_t *n, size_t *cap,
                                 char *text)
{
    if (r->ncases == 0)
        check_report_case(r, "check"); /* a problem outside any check still counts */
    if (!text || r->ncases == 0 || !grow_for(list, *n, cap, sizeof **list, 16)) {
        free(text);
        r->out_of_memory = true;
        return false;
    }
    (*list)[(*n)++] = (check_problem){r->current, text, strlen(text)};
    return true;
}

/* Keeps text (taken) as the next problem of the current check. */
static void check_report_keep(check_report *r, char *text)
{
    if (check_report_keep_in(r, &r->list, &r->nlist, &r->list_cap, text))
        r->cases[r->current].problems++;
}

/* Adds a line of detail to the last problem kept. */
static void check_report_keep_detail(check_report *r, const char *line)
{
    if (r->nlist == 0 || r->out_of_memory)
        return;
    check_problem *p = &r->list[r->nlist - 1];
    char *text;
    if (asprintf(&text, "%s\n    %s", p->text, line) < 0) {
        r->out_of_memory = true;
        return;
    }
    free(p->text);
    p->text = text;
}

/* Tells a headline, a problem's or a note's ("note: " before it), and keeps it. */
static void check_report_tell(check_report *r, bool note, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void check_report_tell(check_report *r, bool note, const char *fmt, va_list ap)
{
    char *text;
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    if (r->out)
        fprintf(r->out, "%s%s%s%s\n", r->problems || r->nnotes ? "\n" : "", note ? "note: " : "",
                r->scope, text ? text : fmt);
    if (note) {
        check_report_keep_in(r, &r->notes, &r->nnotes, &r->notes_cap, text);
        return;
    }
    r->problems++;
    check_report_keep(r, text);
}

void check_report_problem(check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    check_report_tell(r, false, fmt, ap);
    va_end(ap);
}

void check_report_note(check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    check_report_tell(r, true, fmt, ap);
    va_end(ap);
}

void check_report_detail(check_report *r, const char *fmt, ...)
{
    va_list ap;
    char *line;
    va_start(ap, fmt);
    if (vasprintf(&line, fmt, ap) < 0)
        line = NULL;
    va_end(ap);
    if (r->out)
        fprintf(r->out, "    %s\n", line ? line : fmt);
    if (line)
        check_report_keep_detail(r, line);
    else
        r->out_of_memory = true;
    free(line);
}

void check_report_free(check_report *r)
{
    for (size_t i = 0; i < r->ncases; i++)
        free(r->cases[i].name);
    for (size_t i = 0; i < r->nlist; i++)
        free(r->list[i].text);
    for (size_t i = 0; i < r->nnotes; i++)
        free(r->notes[i].text);
    free(r->cases);
    free(r->list);
    free(r->notes);
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
