/*
 * model_frames.c - the callers of a call site (site_frames rows): the
 * return addresses a callsite event carries (libthrace read them the
 * first time the site was used, so they are the first caller's), resolved
 * from the process's binaries (tracer/symbols/) as the site's row is
 * made. The addresses begin inside libthrace (the first, in trace.c, tells
 * where its sources lie), then comes the frame of the site's own function
 * (the one its callsite event names; gone when that function called
 * libthrace in tail position), then its callers, up to 8. They end at
 * main, at the C library's start of a program or thread, or at a frame
 * without a line (a library without debug information). A caller inlined
 * into another is told as itself only: the function it was inlined into
 * is not told.
 */
#include "model_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MODEL_FRAMES_MAX = 8 }; /* callers told per site */

/* Whether resolved names the function func, as __func__ spells it: C's
 * bare name, or C++'s last component without its parameter list
 * ("Account::lock()" names "lock"). */
static bool model_frames_names(const char *resolved, const char *func)
{
    const char *params = strchr(resolved, '(');
    size_t n = params ? (size_t)(params - resolved) : strlen(resolved);
    size_t len = strlen(func);
    return n >= len && strncmp(resolved + n - len, func, len) == 0 &&
           (n == len || resolved[n - len - 1] == ':');
}

/* Whether func is where the C library starts a program or a thread: what
 * lies under main (when main did not call the site's function itself, but
 * one inlined into it) or a thread's function, never the program's. */
static bool model_frames_runtime(const char *func)
{
    static const char *const starts[] = {"__libc_start", "_start", "start_thread", "clone"};
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
        if (strncmp(func, starts[i], strlen(starts[i])) == 0)
            return true;
    return false;
}

/* The length of the directory of path, its last '/' included; 0 without one. */
static size_t model_frames_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* Where the callers begin in e's callers field, resolving as it goes: past
 * libthrace's frames (those whose source lies in the directory of the
 * first one, thrace__trace_site's) and then the site's own function's
 * (gone when it called libthrace in tail position). NULL when the first
 * frame has no line: libthrace's frames are not known apart. */
static const char *model_frames_begin(model *m, const model_process *p, const model_event *e,
                                      failure *why, bool *failed)
{
    const char *next = e->f[VOCAB_F_callers].s, *func = e->f[VOCAB_F_func].s;
    char *end, lib[4096] = "";
    size_t lib_dir = 0;
    for (uint64_t ip; (ip = strtoull(next, &end, 16)) != 0; next = end) {
        symbols_site frame;
        if (!symbols_code(m->symbols, p->pid, ip, &frame, why)) {
            *failed = true;
            return NULL;
        }
        if (!frame.file || frame.line <= 0)
            return NULL;
        if (!lib_dir) { /* the first frame: libthrace's directory */
            lib_dir = model_frames_dir(frame.file);
            snprintf(lib, sizeof lib, "%.*s", (int)lib_dir, frame.file);
            continue;
        }
        if (model_frames_dir(frame.file) == lib_dir && strncmp(frame.file, lib, lib_dir) == 0)
            continue;
        return model_frames_names(frame.func, func) ? end : next;
    }
    return NULL;
}

bool model_frames_store(model *m, const model_process *p, int64_t site_id, const model_event *e,
                        failure *why)
{
    if (!(e->present & MODEL_FIELD(VOCAB_F_callers)) || !(e->present & MODEL_FIELD(VOCAB_F_func)))
        return true; /* a trace recorded before callsite events told callers */
    bool failed = false;
    const char *next = model_frames_begin(m, p, e, why, &failed);
    if (!next)
        return !failed;
    char *end;
    int depth = 0;
    for (uint64_t ip; depth < MODEL_FRAMES_MAX && (ip = strtoull(next, &end, 16)) != 0;
         next = end) {
        symbols_site frame;
        if (!symbols_code(m->symbols, p->pid, ip, &frame, why))
            return false;
        if (!frame.file || frame.line <= 0 || model_frames_runtime(frame.func))
            break;
        if (!model_run(m, ST_FRAME, why, "iitit", site_id, (int64_t)++depth, frame.file,
                       (int64_t)frame.line, frame.func))
            return false;
        if (strcmp(frame.func, "main") == 0)
            break;
    }
    return true;
}
