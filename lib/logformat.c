/*
 * logformat.c - Python logging's %-style format (see logformat.h). A format
 * compiles to a list of directives: literal text, or a record attribute with
 * Python's conversion flags, width, precision and type. Widths count
 * characters (UTF-8 code points), as Python counts them, not bytes.
 */
#include "logformat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum key {
    K_NAME,
    K_LEVELNO,
    K_LEVELNAME,
    K_PATHNAME,
    K_FILENAME,
    K_MODULE,
    K_LINENO,
    K_FUNCNAME,
    K_CREATED,
    K_ASCTIME,
    K_MSECS,
    K_RELATIVE,
    K_THREAD,
    K_THREADNAME,
    K_PROCESS,
    K_PROCESSNAME,
    K_MESSAGE,
    K_LITERAL
};

/* Attribute names, and whether each is text ('s'), an int ('i') or a float ('f'). */
static const struct {
    const char *name;
    char type;
} keys[] = {
    [K_NAME] = {"name", 's'},           [K_LEVELNO] = {"levelno", 'i'},
    [K_LEVELNAME] = {"levelname", 's'}, [K_PATHNAME] = {"pathname", 's'},
    [K_FILENAME] = {"filename", 's'},   [K_MODULE] = {"module", 's'},
    [K_LINENO] = {"lineno", 'i'},       [K_FUNCNAME] = {"funcName", 's'},
    [K_CREATED] = {"created", 'f'},     [K_ASCTIME] = {"asctime", 's'},
    [K_MSECS] = {"msecs", 'f'},         [K_RELATIVE] = {"relativeCreated", 'f'},
    [K_THREAD] = {"thread", 'i'},       [K_THREADNAME] = {"threadName", 's'},
    [K_PROCESS] = {"process", 'i'},     [K_PROCESSNAME] = {"processName", 's'},
    [K_MESSAGE] = {"message", 's'},
};

typedef struct {
    enum key key;
    const char *text; /* K_LITERAL */
    size_t text_len;
    char flags[8]; /* Python's conversion flags, "#0- +" */
    int width;     /* -1: none */
    int precision; /* -1: none */
    char conv;
} directive;

struct thrace__log_format {
    size_t count;
    char *source; /* literals point into it */
    directive items[];
};

/* A growable output string. */
typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} strbuf;

static void sb_append(strbuf *sb, const char *s, size_t n)
{
    if (sb->failed)
        return;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = (sb->len + n + 1) * 2;
        char *grown = realloc(sb->data, cap);
        if (!grown) {
            sb->failed = true;
            return;
        }
        sb->data = grown;
        sb->cap = cap;
    }
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

static void sb_pad(strbuf *sb, size_t n)
{
    while (n--)
        sb_append(sb, " ", 1);
}

/* ---- compiling ---------------------------------------------------------- */

static int key_of(const char *name, size_t len)
{
    for (int k = 0; k < K_LITERAL; k++)
        if (strlen(keys[k].name) == len && memcmp(keys[k].name, name, len) == 0)
            return k;
    return -1;
}

static int parse_number(const char **p)
{
    int n = 0;
    while (**p >= '0' && **p <= '9' && n < 100000)
        n = n * 10 + (*(*p)++ - '0');
    return n;
}

/* Parses "(key)flags width .precision conv" after a '%'. */
static int parse_directive(const char **p, directive *d)
{
    const char *name = ++*p; /* past '(' */
    const char *close = strchr(name, ')');
    if (!close || (d->key = key_of(name, (size_t)(close - name))) == (enum key) - 1)
        return THRACE_EINVAL;
    *p = close + 1;
    size_t nflags = 0;
    while (**p && strchr("#0- +", **p) && nflags < sizeof d->flags - 1)
        d->flags[nflags++] = *(*p)++;
    d->flags[nflags] = '\0';
    d->width = (**p >= '0' && **p <= '9') ? parse_number(p) : -1;
    d->precision = -1;
    if (**p == '.') {
        (*p)++;
        d->precision = parse_number(p);
    }
    d->conv = **p;
    if (!d->conv || !strchr("diouxXeEfFgGcrsa", d->conv))
        return THRACE_EINVAL;
    (*p)++;
    /* Python raises TypeError for a number format of a text attribute. */
    if (keys[d->key].type == 's' && !strchr("rsa", d->conv))
        return THRACE_EINVAL;
    return THRACE_OK;
}

static void literal(directive *d, const char *text, size_t len)
{
    memset(d, 0, sizeof *d);
    d->key = K_LITERAL;
    d->text = text;
    d->text_len = len;
}

static int compile_into(thrace__log_format *f)
{
    const char *p = f->source;
    while (*p) {
        directive *d = &f->items[f->count++];
        const char *percent = strchr(p, '%');
        if (percent != p) {
            size_t len = percent ? (size_t)(percent - p) : strlen(p);
            literal(d, p, len);
            p += len;
        } else if (p[1] == '%') {
            literal(d, p, 1);
            p += 2;
        } else if (p[1] == '(') {
            p++;
            if (parse_directive(&p, d) != THRACE_OK)
                return THRACE_EINVAL;
        } else {
            return THRACE_EINVAL;
        }
    }
    return THRACE_OK;
}

thrace__log_format *thrace__log_format_compile(const char *format, int *rc)
{
    size_t len = strlen(format);
    thrace__log_format *f = calloc(1, sizeof *f + (len + 1) * sizeof(directive));
    if (!f || !(f->source = strdup(format))) {
        free(f);
        *rc = THRACE_ENOMEM;
        return NULL;
    }
    *rc = compile_into(f);
    if (*rc != THRACE_OK) {
        thrace__log_format_free(f);
        return NULL;
    }
    return f;
}

void thrace__log_format_free(thrace__log_format *f)
{
    if (f)
        free(f->source);
    free(f);
}

/* ---- rendering ---------------------------------------------------------- */

typedef struct {
    char type; /* 's', 'i' or 'f' */
    const char *s;
    long long i;
    double f;
    char buf[64];
} value;

static const char *level_name(int level, char *buf, size_t size)
{
    switch (level) {
    case THRACE_LOG_DEBUG:
        return "DEBUG";
    case THRACE_LOG_INFO:
        return "INFO";
    case THRACE_LOG_WARNING:
        return "WARNING";
    case THRACE_LOG_ERROR:
        return "ERROR";
    case THRACE_LOG_CRITICAL:
        return "CRITICAL";
    }
    snprintf(buf, size, "Level %d", level);
    return buf;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *module_name(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s", base_name(path));
    char *dot = strrchr(buf, '.');
    if (dot)
        *dot = '\0';
    return buf;
}

static const char *asctime_of(const struct timespec *t, char *buf, size_t size)
{
    struct tm tm;
    localtime_r(&t->tv_sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf + n, size - n, ",%03ld", t->tv_nsec / 1000000);
    return buf;
}

static double created_seconds(const thrace__log_record *r)
{
    return (double)r->created.tv_sec + (double)r->created.tv_nsec / 1e9;
}

/* Fills *out: text values may point into out->buf, so it is filled in place. */
static void value_of(enum key k, const thrace__log_record *r, value *out)
{
    *out = (value){.type = keys[k].type};
    switch (k) {
    case K_NAME:
        out->s = "root";
        break;
    case K_LEVELNO:
        out->i = r->level;
        break;
    case K_LEVELNAME:
        out->s = level_name(r->level, out->buf, sizeof out->buf);
        break;
    case K_PATHNAME:
        out->s = r->pathname;
        break;
    case K_FILENAME:
        out->s = base_name(r->pathname);
        break;
    case K_MODULE:
        out->s = module_name(r->pathname, out->buf, sizeof out->buf);
        break;
    case K_LINENO:
        out->i = r->lineno;
        break;
    case K_FUNCNAME:
        out->s = r->func;
        break;
    case K_CREATED:
        out->f = created_seconds(r);
        break;
    case K_ASCTIME:
        out->s = asctime_of(&r->created, out->buf, sizeof out->buf);
        break;
    case K_MSECS:
        out->f = (double)(r->created.tv_nsec / 1000000);
        break;
    case K_RELATIVE:
        out->f = r->relative_ms;
        break;
    case K_THREAD:
        out->i = (long long)r->thread_ident;
        break;
    case K_THREADNAME:
        out->s = r->thread_name;
        break;
    case K_PROCESS:
        out->i = getpid();
        break;
    case K_PROCESSNAME:
        out->s = "MainProcess";
        break;
    case K_MESSAGE:
        out->s = r->message;
        break;
    case K_LITERAL:
        break;
    }
}

/* Python's str(float): the shortest digits that read back the same. */
static void python_float_str(double x, char *buf, size_t size)
{
    int digits = 1;
    for (; digits < 17; digits++) {
        snprintf(buf, size, "%.*e", digits - 1, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    int exponent = atoi(strchr(buf, 'e') + 1);
    if (exponent < -4 || exponent >= 16) {
        snprintf(buf, size, "%.*e", digits - 1, x);
        return;
    }
    int decimals = digits - 1 - exponent;
    snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, x);
    if (!strpbrk(buf, ".eninf"))
        strncat(buf, ".0", size - strlen(buf) - 1);
}

static size_t utf8_chars(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Byte length of the first `chars` characters of s. */
static size_t utf8_prefix(const char *s, size_t chars)
{
    size_t i = 0;
    for (size_t seen = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == chars)
            break;
    }
    return i;
}

/* Python's chr(code) in UTF-8 (invalid code points become U+FFFD). */
static void utf8_encode(long long code, char *buf)
{
    unsigned long c = code >= 0 && code <= 0x10FFFF ? (unsigned long)code : 0xFFFD;
    if (c < 0x80) {
        buf[0] = (char)c;
        buf[1] = '\0';
    } else if (c < 0x800) {
        snprintf(buf, 8, "%c%c", (int)(0xC0 | c >> 6), (int)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        snprintf(buf, 8, "%c%c%c", (int)(0xE0 | c >> 12), (int)(0x80 | (c >> 6 & 0x3F)),
                 (int)(0x80 | (c & 0x3F)));
    } else {
        snprintf(buf, 8, "%c%c%c%c", (int)(0xF0 | c >> 18), (int)(0x80 | (c >> 12 & 0x3F)),
                 (int)(0x80 | (c >> 6 & 0x3F)), (int)(0x80 | (c & 0x3F)));
    }
}

/* %s of a text; %r and %a quote it, as Python's repr of a str does. */
static void render_text(strbuf *sb, const directive *d, const char *text, bool quoted)
{
    size_t bytes = d->precision >= 0 ? utf8_prefix(text, (size_t)d->precision) : strlen(text);
    size_t chars = utf8_chars(text, bytes) + (quoted ? 2 : 0);
    size_t pad = d->width > 0 && (size_t)d->width > chars ? (size_t)d->width - chars : 0;
    bool left = strchr(d->flags, '-') != NULL;
    if (!left)
        sb_pad(sb, pad);
    if (quoted)
        sb_append(sb, "'", 1);
    sb_append(sb, text, bytes);
    if (quoted)
        sb_append(sb, "'", 1);
    if (left)
        sb_pad(sb, pad);
}

static void render_number(strbuf *sb, const directive *d, const value *v)
{
    char spec[32], out[512];
    bool octal_prefix = d->conv == 'o' && strchr(d->flags, '#');
    char flags[8];
    size_t n = 0;
    for (const char *f = d->flags; *f; f++)
        if (!(octal_prefix && *f == '#'))
            flags[n++] = *f;
    flags[n] = '\0';
    char conv = (d->conv == 'i' || d->conv == 'u') ? 'd' : d->conv;
    bool integral = strchr("doxX", conv) != NULL;
    int at = snprintf(spec, sizeof spec, "%%%s", flags);
    if (d->width >= 0)
        at += snprintf(spec + at, sizeof spec - (size_t)at, "%d", d->width);
    if (d->precision >= 0)
        at += snprintf(spec + at, sizeof spec - (size_t)at, ".%d", d->precision);
    snprintf(spec + at, sizeof spec - (size_t)at, "%s%c", integral ? "ll" : "", conv);
    double as_float = v->type == 'i' ? (double)v->i : v->f;
    long long as_int = v->type == 'i' ? v->i : (long long)v->f;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int len = integral ? snprintf(out, sizeof out, spec, as_int)
                       : snprintf(out, sizeof out, spec, as_float);
#pragma GCC diagnostic pop
    if (octal_prefix)
        sb_append(sb, "0o", 2);
    sb_append(sb, out, len < (int)sizeof out ? (size_t)len : sizeof out - 1);
}

static void render_directive(strbuf *sb, const directive *d, const thrace__log_record *r)
{
    if (d->key == K_LITERAL) {
        sb_append(sb, d->text, d->text_len);
        return;
    }
    value v;
    value_of(d->key, r, &v);
    if (d->conv == 'c') {
        utf8_encode(v.type == 'i' ? v.i : (long long)v.f, v.buf);
        render_text(sb, d, v.buf, false);
        return;
    }
    if (!strchr("rsa", d->conv)) {
        render_number(sb, d, &v);
        return;
    }
    if (v.type == 'i')
        snprintf(v.buf, sizeof v.buf, "%lld", v.i);
    else if (v.type == 'f')
        python_float_str(v.f, v.buf, sizeof v.buf);
    if (v.type == 's')
        render_text(sb, d, v.s ? v.s : "None", d->conv != 's');
    else
        render_text(sb, d, v.buf, false);
}

char *thrace__log_format_render(const thrace__log_format *f, const thrace__log_record *rec,
                                size_t *len)
{
    strbuf sb = {0};
    for (size_t i = 0; i < f->count; i++)
        render_directive(&sb, &f->items[i], rec);
    sb_append(&sb, "\n", 1);
    if (sb.failed) {
        free(sb.data);
        return NULL;
    }
    *len = sb.len;
    return sb.data;
}
