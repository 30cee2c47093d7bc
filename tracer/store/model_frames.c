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
 * without a line (a library without debug information). A function
 * inlined into another is followed by the one it was inlined into, at the
 * line that called it (as eu-addr2line -i tells them).
 */
#include "model_state.h"

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

/* A walk along a callsite event's callers field, frame by frame: each
 * address's, then those of the functions it was inlined into. */
typedef struct {
    const char *next; /* the addresses not read yet */
    symbols_site at;  /* the last address's frame */
    size_t inlined;   /* at.inlined_by's frames walked */
    bool again;       /* the next frame is the last one again */
    symbols_site last;
    char lib[4096]; /* libthrace's source directory, '/' included */
    size_t lib_len; /* 0 until known */
} model_frames_walk;

/* Whether a frame's source file lies in libthrace's directory, or under
 * it (the pthread interposer's thread start, in lib/interpose/). */
static bool model_frames_in_lib(const model_frames_walk *w, const char *file)
{
    return w->lib_len && strncmp(file, w->lib, w->lib_len) == 0;
}

/* The next frame into *frame: a function the last one was inlined into,
 * else the next address's; false at the end, or on a failure (*failed
 * then, reason in why). */
static bool model_frames_next(model *m, const model_process *p, model_frames_walk *w,
                              symbols_site *frame, failure *why, bool *failed)
{
    if (w->again) {
        w->again = false;
    } else if (w->inlined < w->at.ninlined) {
        w->last = w->at.inlined_by[w->inlined++];
    } else {
        char *end;
        uint64_t ip = strtoull(w->next, &end, 16);
        if (!ip)
            return false;
        w->next = end;
        *failed = !symbols_code(m->symbols, p->pid, ip, &w->at, why);
        if (*failed)
            return false;
        w->inlined = 0;
        w->last = w->at;
    }
    *frame = w->last;
    return true;
}

/* Moves w past libthrace's frames (the first one, thrace__trace_site's,
 * tells its directory) and the site's own function's (gone when it called
 * libthrace in tail position), to the first caller. False when the first
 * frame has no line (libthrace's frames are not known apart then), or
 * when no frame follows. */
static bool model_frames_begin(model *m, const model_process *p, const model_event *e,
                               model_frames_walk *w, failure *why, bool *failed)
{
    symbols_site frame;
    while (model_frames_next(m, p, w, &frame, why, failed)) {
        if (!frame.file || frame.line <= 0)
            return false;
        if (!w->lib_len) {
            const char *slash = strrchr(frame.file, '/');
            w->lib_len = slash ? (size_t)(slash - frame.file) + 1 : 0;
            if (!w->lib_len || w->lib_len >= sizeof w->lib)
                return false;
            memcpy(w->lib, frame.file, w->lib_len);
        } else if (!model_frames_in_lib(w, frame.file)) {
            if (!model_frames_names(frame.func, e->f[VOCAB_F_func].s))
                w->again = true; /* a caller already: the site's frame is gone */
            return true;
        }
    }
    return false;
}

bool model_frames_store(model *m, const model_process *p, int64_t site_id, const model_event *e,
                        failure *why)
{
    if (!(e->present & MODEL_FIELD(VOCAB_F_callers)) || !(e->present & MODEL_FIELD(VOCAB_F_func)))
        return true; /* a trace recorded before callsite events told callers */
    model_frames_walk w = {.next = e->f[VOCAB_F_callers].s};
    bool failed = false;
    if (!model_frames_begin(m, p, e, &w, why, &failed))
        return !failed;
    symbols_site frame;
    for (int depth = 1;
         depth <= MODEL_FRAMES_MAX && model_frames_next(m, p, &w, &frame, why, &failed); depth++) {
        if (!frame.file || frame.line <= 0 || model_frames_in_lib(&w, frame.file) ||
            model_frames_runtime(frame.func))
            break;
        if (!model_run(m, ST_FRAME, why, "iitit", site_id, (int64_t)depth, frame.file,
                       (int64_t)frame.line, frame.func))
            return false;
        if (strcmp(frame.func, "main") == 0)
            break;
    }
    return !failed;
}
