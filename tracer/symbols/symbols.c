/*
 * symbols.c - a trace's processes, the binaries each had loaded, and the
 * names their addresses get (symbols.h).
 *
 * A process's binaries are its mappings: where the statedump saw each one
 * loaded (base, size), from which path, with which build ID. A mapping
 * finds its file the first time an address in it is asked about: files
 * are the trace's, one per path and build ID, each opened once (binary.h)
 * however many processes loaded it, and one that cannot serve is
 * remembered as such. An address becomes its offset from the mapping's
 * base, which names the same byte of the file in every process: answers
 * are cached by (file, offset), the empty ones too, and own their strings
 * until symbols_free.
 */
#include "symbols.h"

#include "binary.h"
#include "demangle.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *path;
    uint8_t *build_id;
    size_t build_id_len;
    binary *bin; /* NULL: the file cannot serve (missing, another build, not ELF) */
} symbols_file;

typedef struct {
    uint64_t base, size;
    char *path;
    uint8_t *build_id;
    size_t build_id_len;
    symbols_file *file; /* NULL until an address in it is asked about */
} symbols_mapping;

typedef struct {
    symbols_mapping *maps;
    size_t n, cap;
} symbols_process;

/* One cached answer: a site (code), or a name (data; NULL: none). */
typedef struct {
    symbols_site site;
    char *file, *func, *name;                   /* owned: what site and the data answer point to */
    symbols_site inlined_by[FRAME_INLINED_MAX]; /* site.inlined_by: their strings owned */
} symbols_answer;

/* Every owned item, of one type, in one growing array. */
typedef struct {
    void **items;
    size_t n, cap;
} symbols_list;

struct symbols {
    keymap processes;           /* (pid, 0) -> symbols_process */
    keymap code, data;          /* (file, offset) -> symbols_answer */
    symbols_list all_processes; /* symbols_process */
    symbols_list files;         /* symbols_file */
    symbols_list answers;       /* symbols_answer */
};

symbols *symbols_new(void)
{
    return calloc(1, sizeof(symbols));
}

static bool symbols_own(symbols_list *l, void *item)
{
    if (!grow_for(&l->items, l->n, &l->cap, sizeof *l->items, 16))
        return false;
    l->items[l->n++] = item;
    return true;
}

/* A new zeroed item of size bytes, owned by l and kept in map under (a,
 * b); NULL when out of memory. */
static void *symbols_keep(symbols_list *l, keymap *map, uint64_t a, uint64_t b, size_t size)
{
    void *item = calloc(1, size);
    if (!item || !symbols_own(l, item)) {
        free(item);
        return NULL;
    }
    return keymap_put(map, a, b, item) ? item : NULL;
}

/* A copy of len bytes (NULL for none); false when out of memory. */
static bool symbols_copy(const uint8_t *bytes, size_t len, uint8_t **out)
{
    *out = len ? malloc(len) : NULL;
    if (len && !*out)
        return false;
    if (len)
        memcpy(*out, bytes, len);
    return true;
}

/* ---- processes and their mappings ---------------------------------------- */

static symbols_process *symbols_process_of(symbols *s, int64_t pid)
{
    symbols_process *p = keymap_get(&s->processes, (uint64_t)pid, 0);
    return p ? p : symbols_keep(&s->all_processes, &s->processes, (uint64_t)pid, 0, sizeof *p);
}

bool symbols_add(symbols *s, int64_t pid, uint64_t base, uint64_t size, const char *path,
                 failure *why)
{
    symbols_process *p = symbols_process_of(s, pid);
    if (!p || !grow_for(&p->maps, p->n, &p->cap, sizeof *p->maps, 16))
        return failure_set(why, "out of memory");
    symbols_mapping *m = &p->maps[p->n];
    *m = (symbols_mapping){.base = base, .size = size, .path = strdup(path)};
    if (!m->path)
        return failure_set(why, "out of memory");
    p->n++;
    return true;
}

static symbols_mapping *symbols_mapping_at(const symbols *s, int64_t pid, uint64_t addr)
{
    symbols_process *p = keymap_get(&s->processes, (uint64_t)pid, 0);
    for (size_t i = 0; p && i < p->n; i++)
        if (addr >= p->maps[i].base && addr - p->maps[i].base < p->maps[i].size)
            return &p->maps[i];
    return NULL;
}

bool symbols_build_id(symbols *s, int64_t pid, uint64_t base, const uint8_t *id, size_t len,
                      failure *why)
{
    symbols_mapping *m = symbols_mapping_at(s, pid, base);
    if (!m || m->base != base || m->file || m->build_id)
        return true;
    if (!symbols_copy(id, len, &m->build_id))
        return failure_set(why, "out of memory");
    m->build_id_len = len;
    return true;
}

/* ---- files ----------------------------------------------------------------- */

static bool symbols_same_file(const symbols_file *f, const symbols_mapping *m)
{
    return strcmp(f->path, m->path) == 0 && f->build_id_len == m->build_id_len &&
           (!m->build_id_len || memcmp(f->build_id, m->build_id, m->build_id_len) == 0);
}

static void symbols_file_free(symbols_file *f)
{
    if (!f)
        return;
    binary_close(f->bin);
    free(f->path);
    free(f->build_id);
    free(f);
}

/* The mapping's file, opened; NULL when out of memory (reason in why). */
static symbols_file *symbols_file_new(const symbols_mapping *m, failure *why)
{
    symbols_file *f = calloc(1, sizeof *f);
    if (f && (f->path = strdup(m->path)) &&
        symbols_copy(m->build_id, m->build_id_len, &f->build_id)) {
        f->build_id_len = m->build_id_len;
        if (binary_open(f->path, f->build_id, f->build_id_len, &f->bin, why))
            return f;
    } else {
        failure_set(why, "out of memory");
    }
    symbols_file_free(f);
    return NULL;
}

/* The mapping's file: found among the trace's, or opened now. */
static symbols_file *symbols_file_of(symbols *s, symbols_mapping *m, failure *why)
{
    if (m->file)
        return m->file;
    for (size_t i = 0; i < s->files.n; i++)
        if (symbols_same_file(s->files.items[i], m))
            return m->file = s->files.items[i];
    symbols_file *f = symbols_file_new(m, why);
    if (f && !symbols_own(&s->files, f)) {
        symbols_file_free(f);
        failure_set(why, "out of memory");
        return NULL;
    }
    return m->file = f;
}

/* ---- answers ------------------------------------------------------------------ */

/* "libfoo.so+0x1a2b": the file's base name and the offset from its load base. */
static char *symbols_where(const char *path, uint64_t offset)
{
    const char *slash = strrchr(path, '/');
    char *text;
    return asprintf(&text, "%s+0x%" PRIx64, slash ? slash + 1 : path, offset) < 0 ? NULL : text;
}

/* a's site for the return address at offset into f's mapping. */
static bool symbols_answer_code(symbols_answer *a, const symbols_file *f, uint64_t offset,
                                failure *why)
{
    frame_site frame = {0};
    bool is_code = true;
    /* ip - 1: inside the call, whose line is the one to tell. */
    if (f->bin &&
        !binary_code(f->bin, offset + binary_first_vaddr(f->bin) - 1, &is_code, &frame, why))
        return false;
    if (!is_code)
        return true; /* not code: no site */
    a->file = frame.at.file ? strdup(frame.at.file) : symbols_where(f->path, offset);
    a->func = demangle_name(frame.at.func ? frame.at.func : "");
    a->site = (symbols_site){a->file, frame.at.file ? frame.at.line : 0, a->func, a->inlined_by,
                             (size_t)frame.ninlined};
    bool ok = a->file && a->func;
    for (int i = 0; i < frame.ninlined; i++) {
        const frame_call *call = &frame.inlined_by[i];
        char *file = strdup(call->file), *func = demangle_name(call->func ? call->func : "");
        a->inlined_by[i] = (symbols_site){file, call->line, func, NULL, 0};
        ok = ok && file && func;
    }
    frame_site_free(&frame);
    return ok || failure_set(why, "out of memory");
}

/* Fills a new answer for the address at offset into f's mapping; false on a failure. */
typedef bool (*symbols_fill)(symbols_answer *a, const symbols_file *f, uint64_t offset,
                             failure *why);

/* The answer in map for addr in process pid, filled the first time it is
 * asked for; *out NULL when addr lies in none of pid's binaries. */
static bool symbols_ask(symbols *s, keymap *map, int64_t pid, uint64_t addr, symbols_fill fill,
                        symbols_answer **out, failure *why)
{
    *out = NULL;
    symbols_mapping *m = symbols_mapping_at(s, pid, addr);
    symbols_file *f = m ? symbols_file_of(s, m, why) : NULL;
    if (!f)
        return !m;
    uint64_t offset = addr - m->base;
    symbols_answer *a = keymap_get(map, (uint64_t)(uintptr_t)f, offset);
    if (!a) {
        a = symbols_keep(&s->answers, map, (uint64_t)(uintptr_t)f, offset, sizeof *a);
        if (!a)
            return failure_set(why, "out of memory");
        if (!fill(a, f, offset, why))
            return false;
    }
    *out = a;
    return true;
}

bool symbols_code(symbols *s, int64_t pid, uint64_t ip, symbols_site *out, failure *why)
{
    symbols_answer *a;
    if (!symbols_ask(s, &s->code, pid, ip, symbols_answer_code, &a, why))
        return false;
    *out = a ? a->site : (symbols_site){0};
    return true;
}

/* a's name for the data at offset into f's mapping. */
static bool symbols_answer_data(symbols_answer *a, const symbols_file *f, uint64_t offset,
                                failure *why)
{
    const char *name;
    uint64_t inside;
    if (!f->bin)
        return true;
    if (!binary_data(f->bin, offset + binary_first_vaddr(f->bin), &name, &inside, why))
        return false;
    if (!name)
        return true;
    char *readable = demangle_name(name);
    if (readable && inside) {
        if (asprintf(&a->name, "%s+%" PRIu64, readable, inside) < 0)
            a->name = NULL;
        free(readable);
    } else {
        a->name = readable;
    }
    return a->name || failure_set(why, "out of memory");
}

bool symbols_data(symbols *s, int64_t pid, uint64_t addr, const char **name, failure *why)
{
    symbols_answer *a;
    if (!symbols_ask(s, &s->data, pid, addr, symbols_answer_data, &a, why))
        return false;
    *name = a ? a->name : NULL;
    return true;
}

void symbols_free(symbols *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->all_processes.n; i++) {
        symbols_process *p = s->all_processes.items[i];
        for (size_t j = 0; j < p->n; j++) {
            free(p->maps[j].path);
            free(p->maps[j].build_id);
        }
        free(p->maps);
        free(p);
    }
    for (size_t i = 0; i < s->files.n; i++)
        symbols_file_free(s->files.items[i]);
    for (size_t i = 0; i < s->answers.n; i++) {
        symbols_answer *a = s->answers.items[i];
        free(a->file);
        free(a->func);
        free(a->name);
        for (size_t k = 0; k < a->site.ninlined; k++) {
            free((char *)a->inlined_by[k].file);
            free((char *)a->inlined_by[k].func);
        }
        free(a);
    }
    free(s->all_processes.items);
    free(s->files.items);
    free(s->answers.items);
    keymap_free(&s->processes);
    keymap_free(&s->code);
    keymap_free(&s->data);
    free(s);
}

char *symbols_source_name(const char *symbol)
{
    size_t end = strcspn(symbol, "+"), digits = end;
    while (digits > 0 && isdigit((unsigned char)symbol[digits - 1]))
        digits--;
    size_t dot = digits < end && digits > 1 && symbol[digits - 1] == '.' ? digits - 1 : end;
    char *name;
    return asprintf(&name, "%.*s%s", (int)dot, symbol, symbol + end) < 0 ? NULL : name;
}
