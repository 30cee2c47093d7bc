/*
 * model_names.c - the names a trace's binaries give (tracer/symbols/),
 * for programs traced through the pthread interposer: their events carry
 * return addresses that no callsite event describes, and their objects
 * the address of the pthread object.
 *
 * Each binary a process had loaded (model_add_binary, from the
 * statedump) gets its binaries row and goes to the trace's symbols. A
 * site is kept per process as a model_site (model_state.h), the first
 * time an event names it: the callsites row of its callsite event when
 * one describes it (libthrace's own sites), else one resolved from the
 * process's binaries (file:line in func(), or binary+0xOFFSET), else an
 * empty one, id 0, and the address stays in events.detail as before. An
 * object whose object_create tells an address is named by the data symbol
 * there (alpha_lock, table+16) or, with none (the heap, a stack), after
 * its kind, serial and first call site (Lock-3@cache.c:42). A given name
 * always wins (model_object_name). libthrace's own objects have no
 * address and their sites are described: their names and rows are what
 * they always were; where one was made (object_create's made, its init's
 * return address) is resolved as the interposer's sites are, into
 * objects.made_site.
 */
#include "model_state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- binaries ------------------------------------------------------------------ */

/* hex's bytes (two digits each) into out, at most size; their count. */
static size_t model_names_unhex(const char *hex, uint8_t *out, size_t size)
{
    size_t n = 0;
    unsigned byte;
    while (n < size && sscanf(hex + 2 * n, "%2x", &byte) == 1)
        out[n++] = (uint8_t)byte;
    return n;
}

bool model_names_binary(model *m, int64_t pid, uint64_t base, uint64_t size, const char *path,
                        const char *build_id, failure *why)
{
    if (!symbols_add(m->symbols, pid, base, size, path, why))
        return false;
    uint8_t bytes[64];
    size_t n = build_id ? model_names_unhex(build_id, bytes, sizeof bytes) : 0;
    return !n || symbols_build_id(m->symbols, pid, base, bytes, n, why);
}

/* The build ID of the binaries row last stored (bin_info and build_id
 * come in turn from the statedump's thread). */
static bool model_names_build_id(model *m, int64_t pid, const model_binary *b, failure *why)
{
    if (!m->binary_row || m->binary_pid != pid || m->binary_base != b->base)
        return true;
    char hex[129];
    size_t n = b->build_id_len < 64 ? b->build_id_len : 64;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", b->build_id[i]);
    hex[2 * n] = '\0';
    return model_run(m, ST_BUILD_ID, why, "ti", hex, m->binary_row) &&
           symbols_build_id(m->symbols, pid, b->base, b->build_id, n, why);
}

bool model_add_binary(model *m, const model_binary *b, failure *why)
{
    int64_t pid = b->has_vpid ? b->vpid : 0;
    if (!b->path)
        return model_names_build_id(m, pid, b, why);
    m->binary_row = model_insert(m, ST_BINARY, why, "iiiit", m->trace_id, pid, (int64_t)b->base,
                                 (int64_t)b->size, b->path);
    m->binary_pid = pid;
    m->binary_base = b->base;
    return m->binary_row && model_names_binary(m, pid, b->base, b->size, b->path, NULL, why);
}

/* ---- call sites -------------------------------------------------------------------- */

bool model_names_site_put(model *m, int64_t process_id, int64_t site, int64_t id, const char *file,
                          int line, model_site **out, failure *why)
{
    model_site *s = model_alloc(&m->all_sites, sizeof *s, why);
    if (!s)
        return false;
    s->id = id;
    const char *slash = file ? strrchr(file, '/') : NULL;
    int n = !id        ? 0
            : line > 0 ? asprintf(&s->where, "%s:%d", slash ? slash + 1 : file, line)
                       : asprintf(&s->where, "%s", file);
    if (n < 0)
        s->where = NULL;
    if (n < 0 || !keymap_put(&m->sites, (uint64_t)process_id, (uint64_t)site, s))
        return failure_set(why, "out of memory");
    *out = s;
    return true;
}

/* A callsites row for site, and its model_site; thread_id: the thread
 * whose stack its callers are (0: none, or not known). */
static bool model_names_site_row(model *m, model_process *p, int64_t site, const char *file,
                                 int line, const char *func, int64_t thread_id, model_site **out,
                                 failure *why)
{
    int64_t id = model_insert(m, ST_CALLSITE, why, "iititI", p->id, site, file, (int64_t)line, func,
                              thread_id);
    return id && model_names_site_put(m, p->id, site, id, file, line, out, why);
}

static const char *model_names_text(const model_event *e, vocab_field f)
{
    return e->present & MODEL_FIELD(f) ? e->f[f].s : "";
}

/* The site of a return address no callsite event describes, resolved
 * from the process's binaries (the line of the call: symbols_code), kept. */
static bool model_names_code(model *m, model_process *p, int64_t site, model_site **out,
                             failure *why)
{
    symbols_site resolved;
    if (!symbols_code(m->symbols, p->pid, (uint64_t)site, &resolved, why))
        return false;
    if (!resolved.file)
        return model_names_site_put(m, p->id, site, 0, NULL, 0, out, why);
    return model_names_site_row(m, p, site, resolved.file, resolved.line, resolved.func, 0, out,
                                why);
}

bool model_names_site(model *m, model_process *p, const model_thread *t, const model_event *e,
                      model_site **out, failure *why)
{
    *out = NULL;
    if (!(e->present & MODEL_FIELD(VOCAB_F_site)) || !e->f[VOCAB_F_site].i)
        return true;
    int64_t site = e->f[VOCAB_F_site].i;
    *out = keymap_get(&m->sites, (uint64_t)p->id, (uint64_t)site);
    if (*out && ((*out)->id || e->type != VOCAB_EV_callsite))
        return true;
    if (e->type == VOCAB_EV_callsite)
        return model_names_site_row(
                   m, p, site, model_names_text(e, VOCAB_F_file),
                   e->present & MODEL_FIELD(VOCAB_F_line) ? (int)e->f[VOCAB_F_line].i : 0,
                   model_names_text(e, VOCAB_F_func),
                   e->present & MODEL_FIELD(VOCAB_F_tid) ? t->id : 0, out, why) &&
               model_frames_store(m, p, (*out)->id, e, why);
    return model_names_code(m, p, site, out, why);
}

/* ---- objects ------------------------------------------------------------------------- */

bool model_names_object(model *m, model_process *p, model_object *o, uint64_t addr, failure *why)
{
    if (!addr || o->addr == addr)
        return true;
    o->addr = addr;
    const char *symbol;
    if (!symbols_data(m->symbols, p->pid, addr, &symbol, why))
        return false;
    free(o->derived);
    o->derived = symbol ? strdup(symbol) : NULL;
    o->awaits_site = !symbol;
    return !symbol || o->derived || failure_set(why, "out of memory");
}

bool model_names_variable(model *m, model_process *p, model_object *o, uint64_t var, failure *why)
{
    if (!var || o->symbol)
        return true; /* two first uses of a static one may both announce it */
    const char *symbol;
    if (!symbols_data(m->symbols, p->pid, var, &symbol, why))
        return false;
    if (!symbol)
        return true; /* the heap, a stack */
    o->symbol = symbols_source_name(symbol);
    return o->symbol || failure_set(why, "out of memory");
}

bool model_names_made(model *m, model_process *p, const model_object *o, uint64_t made,
                      failure *why)
{
    if (!made)
        return true; /* unknown: statically initialised, or a trace before made */
    model_site *site = keymap_get(&m->sites, (uint64_t)p->id, made);
    if (!site && !model_names_code(m, p, (int64_t)made, &site, why))
        return false;
    return !site->id || model_run(m, ST_OBJECT_MADE, why, "ii", site->id, o->id);
}

bool model_names_first_site(model *m, model_object *o, const model_site *site, failure *why)
{
    if (!o->awaits_site || !site->id)
        return true;
    const char *class = vocab_kind_class(o->kind);
    if (asprintf(&o->derived, "%s-%" PRId64 "@%s", class ? class : "Object", o->serial,
                 site->where) < 0) {
        o->derived = NULL;
        return failure_set(why, "out of memory");
    }
    o->awaits_site = false;
    return model_object_store(m, o, why);
}
