/*
 * check_match.c - sections' steps as a line automaton (check_match.h).
 *
 * Instructions: LINE (one line matching a step's pattern), ANY (one line,
 * whatever it says), SPLIT (both x and y), JMP (x), MATCH (the steps are
 * done). A repeat is its body written min times, then (max - min) optional
 * copies, or a loop when unbounded; so the programs of one file share a
 * budget of CHECK_MAX_STEPS instructions, which bounds the file's memory
 * (32 bytes an instruction to keep, about as much again to run one).
 *
 * The run keeps the set of instructions waiting for the next line (every
 * LINE or ANY reachable through splits and jumps, each once), feeds it each
 * line in turn, and stops at the first line that leaves the set empty.
 */
#include "check_match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OP_LINE, OP_ANY, OP_SPLIT, OP_JMP, OP_MATCH } check_op;

typedef struct {
    check_op op;
    size_t x, y;            /* SPLIT: both; JMP: x */
    const check_step *step; /* LINE */
} check_insn;

struct check_program {
    check_insn *code;
    size_t n, cap;
    size_t *left; /* the file's budget, while compiling */
};

static bool emit(check_program *prog, check_op op, const check_step *step, failure *why)
{
    if (*prog->left == 0)
        return failure_set(why, "the file's repeats expand past a million steps in all");
    if (prog->n == prog->cap) {
        size_t more = prog->cap ? 2 * prog->cap : 64;
        check_insn *grown = realloc(prog->code, more * sizeof *grown);
        if (!grown)
            return failure_set(why, "out of memory");
        prog->code = grown;
        prog->cap = more;
    }
    prog->code[prog->n++] = (check_insn){.op = op, .step = step};
    --*prog->left;
    return true;
}

static bool compile_steps(check_program *prog, const check_steps *steps, failure *why);

/* Loops over the body (none: ANY): L: SPLIT(L + 1, out); body; JMP L; out: */
static bool compile_loop(check_program *prog, const check_steps *body, failure *why)
{
    size_t split = prog->n;
    if (!emit(prog, OP_SPLIT, NULL, why))
        return false;
    if (!(body ? compile_steps(prog, body, why) : emit(prog, OP_ANY, NULL, why)))
        return false;
    if (!emit(prog, OP_JMP, NULL, why))
        return false;
    prog->code[prog->n - 1].x = split;
    prog->code[split].x = split + 1;
    prog->code[split].y = prog->n;
    return true;
}

/* (max - min) optional copies of the body, each able to skip to the end:
 * SPLIT(body, end); body; SPLIT(body, end); body; ... end: */
static bool compile_optional(check_program *prog, const check_step *s, failure *why)
{
    size_t copies = s->max - s->min;
    if (copies == 0)
        return true;
    size_t *splits = malloc(copies * sizeof *splits);
    bool ok = splits != NULL;
    if (!ok)
        failure_set(why, "out of memory");
    for (size_t i = 0; ok && i < copies; i++) {
        splits[i] = prog->n;
        ok = emit(prog, OP_SPLIT, NULL, why) && compile_steps(prog, &s->body, why);
    }
    for (size_t i = 0; ok && i < copies; i++) {
        prog->code[splits[i]].x = splits[i] + 1;
        prog->code[splits[i]].y = prog->n;
    }
    free(splits);
    return ok;
}

static bool compile_repeat(check_program *prog, const check_step *s, failure *why)
{
    for (unsigned i = 0; i < s->min; i++)
        if (!compile_steps(prog, &s->body, why))
            return false;
    if (s->max == CHECK_UNBOUNDED)
        return compile_loop(prog, &s->body, why);
    return compile_optional(prog, s, why);
}

/* SPLIT(alt1, next); alt1; JMP end; next: SPLIT(alt2, ...) ... the last alone. */
static bool compile_either(check_program *prog, const check_step *s, failure *why)
{
    size_t *jumps = malloc(s->nalts * sizeof *jumps);
    bool ok = jumps != NULL;
    if (!ok)
        failure_set(why, "out of memory");
    for (size_t a = 0; ok && a < s->nalts; a++) {
        size_t split = prog->n;
        if (a + 1 == s->nalts) {
            ok = compile_steps(prog, &s->alts[a], why);
            break;
        }
        ok = emit(prog, OP_SPLIT, NULL, why) && compile_steps(prog, &s->alts[a], why) &&
             emit(prog, OP_JMP, NULL, why);
        if (ok) {
            jumps[a] = prog->n - 1;
            prog->code[split].x = split + 1;
            prog->code[split].y = prog->n;
        }
    }
    for (size_t a = 0; ok && a + 1 < s->nalts; a++)
        prog->code[jumps[a]].x = prog->n;
    free(jumps);
    return ok;
}

static bool compile_steps(check_program *prog, const check_steps *steps, failure *why)
{
    for (size_t i = 0; i < steps->n; i++) {
        const check_step *s = &steps->v[i];
        bool ok = true;
        if (s->kind == STEP_LINE)
            ok = emit(prog, OP_LINE, s, why);
        else if (s->kind == STEP_ANY)
            ok = compile_loop(prog, NULL, why);
        else if (s->kind == STEP_REPEAT)
            ok = compile_repeat(prog, s, why);
        else
            ok = compile_either(prog, s, why);
        if (!ok)
            return false;
    }
    return true;
}

check_program *check_program_compile(const check_steps *steps, size_t *left, failure *why)
{
    check_program *prog = calloc(1, sizeof *prog);
    if (!prog) {
        failure_set(why, "out of memory");
        return NULL;
    }
    prog->left = left;
    if (compile_steps(prog, steps, why) && emit(prog, OP_MATCH, NULL, why))
        return prog;
    check_program_free(prog);
    return NULL;
}

void check_program_free(check_program *prog)
{
    if (prog)
        free(prog->code);
    free(prog);
}

/* ---- running ---- */

/* The instructions waiting for a line, each once (marked with the round). */
typedef struct {
    size_t *pcs;
    size_t n;
} pc_set;

typedef struct {
    const check_program *prog;
    size_t *mark; /* per instruction: the round it was last added in */
    size_t round;
    size_t *stack; /* splits and jumps still to follow */
    pc_set sets[2];
} run_state;

/* Adds pc and everything splits and jumps lead to from it. */
static void add(run_state *r, pc_set *set, size_t pc)
{
    size_t depth = 0;
    r->stack[depth++] = pc;
    while (depth) {
        pc = r->stack[--depth];
        if (r->mark[pc] == r->round)
            continue;
        r->mark[pc] = r->round;
        const check_insn *in = &r->prog->code[pc];
        if (in->op == OP_JMP) {
            r->stack[depth++] = in->x;
        } else if (in->op == OP_SPLIT) {
            r->stack[depth++] = in->y;
            r->stack[depth++] = in->x;
        } else {
            set->pcs[set->n++] = pc;
        }
    }
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (const check_step *const *)a;
    uintptr_t y = (uintptr_t) * (const check_step *const *)b;
    return (x > y) - (x < y);
}

/* Fills out with what the set waited for: failed at line at. */
static bool failed(const run_state *r, const pc_set *set, size_t at, check_outcome *out)
{
    out->ok = false;
    out->at = at;
    out->expected = malloc((set->n + 1) * sizeof *out->expected);
    if (!out->expected)
        return false;
    for (size_t i = 0; i < set->n; i++) {
        const check_insn *in = &r->prog->code[set->pcs[i]];
        if (in->op == OP_LINE)
            out->expected[out->nexpected++] = in->step;
        out->could_end |= in->op == OP_MATCH;
    }
    /* Copies of a repeat's body share their steps: list each step once. */
    qsort(out->expected, out->nexpected, sizeof *out->expected, by_address);
    size_t unique = 0;
    for (size_t i = 0; i < out->nexpected; i++)
        if (!unique || out->expected[unique - 1] != out->expected[i])
            out->expected[unique++] = out->expected[i];
    out->nexpected = unique;
    return true;
}

static bool has_match(const run_state *r, const pc_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        if (r->prog->code[set->pcs[i]].op == OP_MATCH)
            return true;
    return false;
}

/* Feeds one line to cur, filling next. */
static void feed(run_state *r, const pc_set *cur, pc_set *next, const char *text)
{
    next->n = 0;
    r->round++;
    for (size_t i = 0; i < cur->n; i++) {
        const check_insn *in = &r->prog->code[cur->pcs[i]];
        if (in->op == OP_ANY ||
            (in->op == OP_LINE && check_pattern_match(&in->step->pattern, text)))
            add(r, next, cur->pcs[i] + 1);
    }
}

static bool follow(run_state *r, const check_trace *t, const check_thread *th, bool unfinished,
                   check_outcome *out)
{
    pc_set *cur = &r->sets[0], *next = &r->sets[1];
    r->round = 1;
    add(r, cur, 0);
    for (size_t i = 0; i < th->nlines; i++) {
        feed(r, cur, next, t->lines[th->lines[i]].text);
        if (next->n == 0)
            return failed(r, cur, i, out);
        pc_set *swap = cur;
        cur = next;
        next = swap;
    }
    if (unfinished || has_match(r, cur)) {
        out->ok = true;
        return true;
    }
    return failed(r, cur, th->nlines, out);
}

bool check_program_run(const check_program *prog, const check_trace *t, const check_thread *th,
                       bool unfinished, check_outcome *out)
{
    size_t n = prog->n;
    run_state r = {.prog = prog};
    *out = (check_outcome){0};
    r.mark = calloc(n, sizeof *r.mark);
    r.stack = malloc((2 * n + 1) * sizeof *r.stack); /* a split pushes two */
    r.sets[0].pcs = malloc(n * sizeof *r.sets[0].pcs);
    r.sets[1].pcs = malloc(n * sizeof *r.sets[1].pcs);
    bool ok =
        r.mark && r.stack && r.sets[0].pcs && r.sets[1].pcs && follow(&r, t, th, unfinished, out);
    free(r.mark);
    free(r.stack);
    free(r.sets[0].pcs);
    free(r.sets[1].pcs);
    return ok;
}

void check_outcome_free(check_outcome *out)
{
    free(out->expected);
    *out = (check_outcome){0};
}
