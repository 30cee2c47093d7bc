/*
 * check_parse.c - reads an expectation file (README.md here) into a
 * check_expect. Unindented lines are directives; the indented lines under a
 * thread section are its steps, nested by indentation as Python nests
 * blocks. The first error stops the parse with "path:line: reason".
 */
#include "check_expect.h"
#include "check_match.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const check_invariant_names[INV_COUNT] = {[INV_MUTUAL_EXCLUSION] = "mutual-exclusion",
                                                      [INV_SEMAPHORE_BOUNDS] = "semaphore-bounds",
                                                      [INV_BARRIER_ROUNDS] = "barrier-rounds",
                                                      [INV_THREADS_JOINED] = "threads-joined",
                                                      [INV_NO_DISCARDS] = "no-discards",
                                                      [INV_DEADLOCKS] = "deadlocks",
                                                      [INV_LEAKS] = "leaks"};

const char *const check_loss_words[LOSSES_CAUSES] = {
    [LOSSES_LTTNG] = "discarded", [LOSSES_UNREAD] = "unread", [LOSSES_CUT] = "cut"};

/* MAX_FILE_BYTES bounds the memory of the file's text as CHECK_MAX_STEPS
 * bounds its compiled steps. */
enum { MAX_TOKENS = 64, MAX_REPEAT = 1000000, MAX_FILE_BYTES = 64 << 20 };

typedef struct {
    check_expect *x;
    char **lines; /* the file's lines, without line ends and trailing blanks */
    size_t nlines;
    size_t at;         /* the next line to read */
    size_t steps_left; /* of CHECK_MAX_STEPS, for the sections still to compile */
    failure *why;
} parser;

typedef struct {
    char *text;
    bool quoted;
} token;

static bool fail(parser *p, size_t index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The parse fails at line index + 1: "path:line: reason". */
static bool fail(parser *p, size_t index, const char *fmt, ...)
{
    char where[PATH_MAX + 24];
    snprintf(where, sizeof where, "%s:%zu", p->x->path, index + 1);
    va_list ap;
    va_start(ap, fmt);
    failure_vobject(p->why, where, fmt, ap);
    va_end(ap);
    return false;
}

static bool out_of_memory(parser *p)
{
    return failure_object(p->why, p->x->path, "out of memory");
}

/* ---- lines ---- */

/* The file, opened without blocking (a FIFO would wait for a writer) and
 * refused unless regular: a directory reads as an empty file, a FIFO or a
 * device may never end. */
static FILE *open_regular(const char *path, failure *why)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        failure_object(why, path, "%s", strerror(errno));
        return NULL;
    }
    FILE *f = NULL;
    if (fstat(fd, &st) != 0)
        failure_object(why, path, "%s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        failure_object(why, path, "not a regular file");
    else if (!(f = fdopen(fd, "r")))
        failure_object(why, path, "%s", strerror(errno));
    if (!f)
        close(fd);
    return f;
}

/* Keeps a line read, without its line end and trailing blanks; false when out of memory. */
static bool keep_line(parser *p, char *line, ssize_t len)
{
    while (len > 0 && strchr("\r\n \t", line[len - 1]))
        line[--len] = '\0';
    char **grown = realloc(p->lines, (p->nlines + 1) * sizeof *grown);
    if (grown)
        p->lines = grown;
    char *copy = grown ? strdup(line) : NULL;
    if (copy)
        p->lines[p->nlines++] = copy;
    return copy != NULL;
}

static bool read_lines(parser *p, const char *path)
{
    FILE *f = open_regular(path, p->why);
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0, total = 0;
    ssize_t len;
    bool ok = true;
    while (ok && total <= MAX_FILE_BYTES && (len = getline(&line, &cap, f)) >= 0) {
        total += (size_t)len;
        ok = keep_line(p, line, len);
    }
    bool read_failed = ok && ferror(f); /* getline's -1 is also an error's */
    int error = errno;
    free(line);
    fclose(f);
    if (read_failed)
        return failure_object(p->why, path, "%s", strerror(error));
    if (total > MAX_FILE_BYTES) /* counted as read: a file may grow meanwhile */
        return failure_object(p->why, path, "larger than %d MB, the most an expectation may be",
                              MAX_FILE_BYTES >> 20);
    return ok || out_of_memory(p);
}

static bool significant(const char *line)
{
    size_t blanks = strspn(line, " \t");
    return line[blanks] && line[blanks] != '#';
}

/* The index of the next line that is neither blank nor a comment, or nlines. */
static size_t peek(parser *p)
{
    size_t i = p->at;
    while (i < p->nlines && !significant(p->lines[i]))
        i++;
    return i;
}

/* Its indentation in spaces, or -1 when a tab indents it. */
static int indent_of(const char *line)
{
    size_t spaces = strspn(line, " ");
    return line[spaces] == '\t' ? -1 : (int)spaces;
}

/* ---- steps ---- */

static check_step *add_step(check_steps *steps, check_step_kind kind, size_t index)
{
    check_step *grown = realloc(steps->v, (steps->n + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    steps->v = grown;
    check_step *s = &steps->v[steps->n++];
    *s = (check_step){.kind = kind, .line = (int)index + 1};
    return s;
}

static bool line_step(parser *p, check_steps *steps, size_t index, const char *text)
{
    check_step *s = add_step(steps, STEP_LINE, index);
    if (!s || !(s->text = strdup(text)) || !check_pattern_compile(&s->pattern, text))
        return out_of_memory(p);
    return true;
}

static bool parse_block(parser *p, int indent, check_steps *out);

/* The block under the header at index, more indented than it. */
static bool child_block(parser *p, size_t index, int indent, check_steps *out)
{
    size_t next = peek(p);
    int inner = next < p->nlines ? indent_of(p->lines[next]) : 0;
    if (inner <= indent)
        return fail(p, index, "expected an indented block under '%s'", p->lines[index] + indent);
    return parse_block(p, inner, out);
}

/* Reads the digits at *s (at most MAX_REPEAT) into *v, moving *s past them. */
static bool digits(const char **s, unsigned long *v)
{
    const char *from = *s;
    for (*v = 0; **s >= '0' && **s <= '9' && *v <= MAX_REPEAT; ++*s)
        *v = *v * 10 + (unsigned long)(**s - '0');
    return *s > from && *v <= MAX_REPEAT;
}

/* "N:", "N..M:" or "N..:" into min and max; false if it is none of them. */
static bool repeat_count(const char *spec, unsigned *min, unsigned *max)
{
    unsigned long lo, hi;
    if (!digits(&spec, &lo))
        return false;
    hi = lo;
    if (strncmp(spec, "..", 2) == 0) {
        spec += 2;
        if (*spec == ':')
            hi = CHECK_UNBOUNDED;
        else if (!digits(&spec, &hi) || hi < lo)
            return false;
    }
    *min = (unsigned)lo;
    *max = (unsigned)hi;
    return strcmp(spec, ":") == 0 && hi > 0;
}

static bool repeat_step(parser *p, check_steps *steps, size_t index, int indent)
{
    const char *text = p->lines[index] + indent;
    unsigned min, max;
    if (!repeat_count(text + strlen("repeat "), &min, &max))
        return fail(p, index,
                    "'%s': expected repeat N:, repeat N..M: or repeat N..: (N <= M, "
                    "M >= 1, at most %d)",
                    text, MAX_REPEAT);
    check_step *s = add_step(steps, STEP_REPEAT, index);
    if (!s)
        return out_of_memory(p);
    s->min = min;
    s->max = max;
    return child_block(p, index, indent, &s->body);
}

static bool optional_step(parser *p, check_steps *steps, size_t index, const char *rest)
{
    check_step *s = add_step(steps, STEP_REPEAT, index);
    if (!s)
        return out_of_memory(p);
    s->max = 1;
    return line_step(p, &s->body, index, rest);
}

static bool either_step(parser *p, check_steps *steps, size_t index, int indent)
{
    check_step *s = add_step(steps, STEP_EITHER, index);
    if (!s)
        return out_of_memory(p);
    size_t header = index;
    for (;;) {
        check_steps *grown = realloc(s->alts, (s->nalts + 1) * sizeof *grown);
        if (!grown)
            return out_of_memory(p);
        s->alts = grown;
        s->alts[s->nalts] = (check_steps){0};
        if (!child_block(p, header, indent, &s->alts[s->nalts++]))
            return false;
        size_t next = peek(p);
        if (next >= p->nlines || indent_of(p->lines[next]) != indent ||
            strcmp(p->lines[next] + indent, "or:") != 0)
            break;
        header = next;
        p->at = next + 1;
    }
    return s->nalts > 1 || fail(p, index, "'either:' needs an 'or:' below it");
}

/* One step of a section: the line at index, indented by indent. */
static bool parse_step(parser *p, check_steps *steps, size_t index, int indent)
{
    const char *text = p->lines[index] + indent;
    if (text[0] == '\\')
        return line_step(p, steps, index, text);
    if (strcmp(text, "...") == 0)
        return add_step(steps, STEP_ANY, index) ? true : out_of_memory(p);
    if (text[0] == '?' && (text[1] == ' ' || text[1] == '\t'))
        return optional_step(p, steps, index, text + 1 + strspn(text + 1, " \t"));
    if (strcmp(text, "either:") == 0)
        return either_step(p, steps, index, indent);
    if (strcmp(text, "or:") == 0)
        return fail(p, index, "'or:' without an 'either:' above it");
    if (strncmp(text, "repeat ", 7) == 0 && text[strlen(text) - 1] == ':')
        return repeat_step(p, steps, index, indent);
    return line_step(p, steps, index, text);
}

static bool parse_block(parser *p, int indent, check_steps *out)
{
    size_t i;
    while ((i = peek(p)) < p->nlines) {
        int here = indent_of(p->lines[i]);
        if (here < 0)
            return fail(p, i, "indent with spaces, not tabs");
        if (here < indent)
            break;
        if (here > indent)
            return fail(p, i, "unexpected indent (this block is indented by %d)", indent);
        p->at = i + 1;
        if (!parse_step(p, out, i, indent))
            return false;
    }
    return true;
}

/* ---- directives ---- */

/* Splits a directive into words and "quoted strings" (\" is a quote; other
 * escapes stay for the pattern). */
static bool tokenize(parser *p, size_t index, char *s, token *out, size_t *n)
{
    *n = 0;
    for (;;) {
        s += strspn(s, " \t");
        if (!*s)
            return true;
        if (*n == MAX_TOKENS)
            return fail(p, index, "too many words");
        token *t = &out[(*n)++];
        t->quoted = *s == '"';
        if (!t->quoted) {
            t->text = s;
            s += strcspn(s, " \t");
            if (*s)
                *s++ = '\0';
            continue;
        }
        char *to = t->text = ++s;
        for (; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1] == '"')
                s++;
            else if (*s == '\\' && s[1])
                *to++ = *s++;
            *to++ = *s;
        }
        if (*s != '"')
            return fail(p, index, "a quoted string has no closing quote");
        *to = '\0';
        s++;
    }
}

static bool is(const token *t, const char *word)
{
    return !t->quoted && strcmp(t->text, word) == 0;
}

/* A count: a decimal number up to max, or -1. */
static long count_of(const token *t, long max)
{
    char *end;
    errno = 0;
    long v = strtol(t->text, &end, 10);
    if (t->quoted || end == t->text || *end || errno || v < 0 || v > max || t->text[0] == '+')
        return -1;
    return v;
}

static check_section *add_section(parser *p)
{
    check_expect *x = p->x;
    check_section *grown = realloc(x->sections, (x->nsections + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    x->sections = grown;
    check_section *s = &x->sections[x->nsections++];
    *s = (check_section){0};
    return s;
}

/* `[unfinished] thread NAME`, `[unfinished] [N] threads GLOB...`. */
static bool section(parser *p, size_t index, token *t, size_t n)
{
    size_t k = 0;
    bool unfinished = is(&t[0], "unfinished");
    k += unfinished;
    long count = k < n ? count_of(&t[k], INT_MAX) : -1;
    k += count >= 0;
    bool one = k < n && is(&t[k], "thread"), many = k < n && is(&t[k], "threads");
    if ((!one && !many) || (one && count > 1) || (count == 0))
        return fail(p, index, "expected 'thread NAME', 'threads GLOB...' or 'N threads GLOB...'");
    k++;
    if (k == n || (one && k + 1 != n))
        return fail(p, index, one ? "'thread' takes one name" : "'threads' takes names or globs");
    check_section *s = add_section(p);
    if (!s || !(s->header = strdup(p->lines[index])) ||
        !(s->globs = calloc(n - k, sizeof *s->globs)))
        return out_of_memory(p);
    for (; k < n; k++)
        if (!(s->globs[s->nglobs++] = strdup(t[k].text)))
            return out_of_memory(p);
    s->line = (int)index + 1;
    s->unfinished = unfinished;
    s->min = one ? 1 : count > 0 ? (unsigned)count : 1;
    s->max = one ? 1 : count > 0 ? (unsigned)count : CHECK_UNBOUNDED;
    size_t next = peek(p);
    int indent = next < p->nlines ? indent_of(p->lines[next]) : 0;
    if (indent < 0)
        return fail(p, next, "indent with spaces, not tabs");
    if (indent > 0 && !parse_block(p, indent, &s->steps))
        return false;
    failure why;
    if (!(s->program = check_program_compile(&s->steps, &p->steps_left, &why)))
        return fail(p, index, "%s", why.text);
    return true;
}

static check_rule *add_rule(parser *p, check_rule_kind kind, size_t index)
{
    check_expect *x = p->x;
    check_rule *grown = realloc(x->rules, (x->nrules + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    x->rules = grown;
    check_rule *r = &x->rules[x->nrules++];
    *r = (check_rule){.kind = kind, .line = (int)index + 1};
    r->source = strdup(p->lines[index]);
    return r->source ? r : NULL;
}

/* `[THREAD] "PATTERN"` at t[*k]. */
static bool ref(parser *p, size_t index, token *t, size_t n, size_t *k, check_ref *r)
{
    if (*k < n && !t[*k].quoted) {
        if (!(r->thread = strdup(t[*k].text)))
            return out_of_memory(p);
        ++*k;
    }
    if (*k >= n || !t[*k].quoted)
        return fail(p, index, "expected a \"quoted pattern\", after a thread's name or not");
    if (!(r->text = strdup(t[*k].text)) || !check_pattern_compile(&r->pattern, t[*k].text))
        return out_of_memory(p);
    ++*k;
    return true;
}

static bool order_or_never(parser *p, size_t index, token *t, size_t n)
{
    bool order = is(&t[0], "order");
    check_rule *r = add_rule(p, order ? RULE_ORDER : RULE_NEVER, index);
    size_t k = 1;
    if (!r)
        return out_of_memory(p);
    if (!ref(p, index, t, n, &k, &r->a))
        return false;
    if (order && (k >= n || !is(&t[k++], "before")))
        return fail(p, index, "expected: order [THREAD] \"PATTERN\" before [THREAD] \"PATTERN\"");
    if (order && !ref(p, index, t, n, &k, &r->b))
        return false;
    return k == n || fail(p, index, "unexpected '%s' at the end", t[k].text);
}

static bool at_most(parser *p, size_t index, token *t, size_t n)
{
    long most = n == 5 ? count_of(&t[2], LONG_MAX) : -1;
    if (n != 5 || !is(&t[1], "most") || most < 0 || !is(&t[3], "holding"))
        return fail(p, index, "expected: at most N holding OBJECT");
    check_rule *r = add_rule(p, RULE_AT_MOST, index);
    if (!r || !(r->object = strdup(t[4].text)))
        return out_of_memory(p);
    r->n = most;
    return true;
}

/* `allow discarded|unread|cut`: the cause it names, or -1. */
static int allowed_loss(token *t, size_t n)
{
    for (int c = 0; n == 2 && is(&t[0], "allow") && c < LOSSES_CAUSES; c++)
        if (is(&t[1], check_loss_words[c]))
            return c;
    return -1;
}

static bool setting(parser *p, size_t index, token *t, size_t n)
{
    check_expect *x = p->x;
    int loss = allowed_loss(t, n);
    if (loss >= 0)
        x->allow[loss] = true;
    else if (is(&t[0], "allow") && n == 3 && is(&t[1], "other") && is(&t[2], "threads"))
        x->allow_other_threads = true;
    else if (is(&t[0], "match") && n == 2 && (is(&t[1], "log") || is(&t[1], "all")))
        x->log_only = is(&t[1], "log");
    else if (is(&t[0], "skip") && n == 2) {
        for (int i = 0; i < INV_COUNT; i++) {
            if (i != INV_NO_DISCARDS && is(&t[1], check_invariant_names[i])) {
                x->skip[i] = true;
                return true;
            }
        }
        return fail(p, index,
                    "'%s' is no invariant (mutual-exclusion, semaphore-bounds, "
                    "barrier-rounds, threads-joined, deadlocks, leaks)",
                    t[1].text);
    } else
        return fail(p, index,
                    "expected: allow discarded, allow unread, allow cut, allow other threads, "
                    "match log, match all or skip INVARIANT");
    return true;
}

/* The directive of words t[0..n), n >= 1. */
static bool dispatch(parser *p, size_t index, token *t, size_t n)
{
    if (is(&t[0], "thread") || is(&t[0], "threads") || is(&t[0], "unfinished") ||
        (n > 1 && count_of(&t[0], INT_MAX) >= 0))
        return section(p, index, t, n);
    if (is(&t[0], "order") || is(&t[0], "never"))
        return order_or_never(p, index, t, n);
    if (is(&t[0], "at"))
        return at_most(p, index, t, n);
    if (is(&t[0], "allow") || is(&t[0], "match") || is(&t[0], "skip"))
        return setting(p, index, t, n);
    return fail(p, index,
                "'%s' is no directive (thread, threads, order, never, at most, allow, "
                "match, skip)",
                t[0].text);
}

static bool directive(parser *p, size_t index)
{
    token t[MAX_TOKENS];
    size_t n;
    char *copy = strdup(p->lines[index]);
    if (!copy)
        return out_of_memory(p);
    bool ok = tokenize(p, index, copy, t, &n) && (n == 0 || dispatch(p, index, t, n));
    free(copy);
    return ok;
}

bool check_expect_load(check_expect *x, const char *path, failure *why)
{
    parser p = {.x = x, .steps_left = CHECK_MAX_STEPS, .why = why};
    *x = (check_expect){.path = path};
    bool ok = read_lines(&p, path);
    size_t i;
    while (ok && (i = peek(&p)) < p.nlines) {
        p.at = i + 1;
        int indent = indent_of(p.lines[i]);
        ok = indent == 0 ? directive(&p, i)
                         : fail(&p, i,
                                indent < 0 ? "indent with spaces, not tabs"
                                           : "an indented line outside a thread section");
    }
    for (size_t k = 0; k < p.nlines; k++)
        free(p.lines[k]);
    free(p.lines);
    if (!ok)
        check_expect_free(x);
    return ok;
}

/* ---- freeing ---- */

static void free_steps(check_steps *steps)
{
    for (size_t i = 0; i < steps->n; i++) {
        check_step *s = &steps->v[i];
        free(s->text);
        check_pattern_free(&s->pattern);
        free_steps(&s->body);
        for (size_t a = 0; a < s->nalts; a++)
            free_steps(&s->alts[a]);
        free(s->alts);
    }
    free(steps->v);
    *steps = (check_steps){0};
}

static void free_ref(check_ref *r)
{
    free(r->thread);
    free(r->text);
    check_pattern_free(&r->pattern);
}

void check_expect_free(check_expect *x)
{
    for (size_t i = 0; i < x->nsections; i++) {
        check_section *s = &x->sections[i];
        free(s->header);
        for (size_t g = 0; g < s->nglobs; g++)
            free(s->globs[g]);
        free(s->globs);
        free_steps(&s->steps);
        check_program_free(s->program);
    }
    for (size_t i = 0; i < x->nrules; i++) {
        free(x->rules[i].source);
        free_ref(&x->rules[i].a);
        free_ref(&x->rules[i].b);
        free(x->rules[i].object);
    }
    free(x->sections);
    free(x->rules);
    *x = (check_expect){.path = x->path};
}
