/*
 * callers.c - the callers of a call site (callers.h), read with the
 * unwinder every C program already carries (libgcc's, over .eh_frame) the
 * first time a site is described, never on the paths a lock takes again.
 * The walk stops at the bottom frame that thread.c or timer.c marked
 * before calling the thread's target, so that a thread's chain ends at its
 * own function; the main thread's runs into the C runtime, which the
 * tracer leaves out (tracer/store/model_frames.c) with the rest of what
 * has no line.
 */
#include "callers.h"

#include <stdio.h>
#include <unwind.h>

THRACE__TLS void *thrace__callers_bottom;

typedef struct {
    char *buf;
    size_t size, used;
    size_t before_last; /* used before the last address written */
    int frames;
    uintptr_t bottom;
} callers_walk;

/*
 * libgcc calls this with the context of each frame in turn, outwards;
 * _Unwind_GetCFA then tells the canonical frame address of the frame
 * visited before (the callee's, which is the caller's stack pointer at
 * the call). So a frame is known to lie past the bottom one step late: the
 * address written last is taken back.
 */
static _Unwind_Reason_Code callers_step(struct _Unwind_Context *ctx, void *arg)
{
    callers_walk *w = arg;
    uintptr_t ip = _Unwind_GetIP(ctx);
    if (w->bottom && _Unwind_GetCFA(ctx) > w->bottom) {
        w->used = w->before_last; /* libthrace's thread start */
        return _URC_END_OF_STACK;
    }
    if (!ip) /* the end of the main thread's stack */
        return _URC_END_OF_STACK;
    if (w->frames++ == 0) /* thrace__callers_text's own frame */
        return _URC_NO_REASON;
    int n = snprintf(w->buf + w->used, w->size - w->used, "%s%#lx", w->used ? " " : "",
                     (unsigned long)ip);
    if (n < 0 || (size_t)n >= w->size - w->used)
        return _URC_END_OF_STACK; /* the last address did not fit: left out */
    w->before_last = w->used;
    w->used += (size_t)n;
    return w->frames > THRACE__CALLERS_MAX ? _URC_END_OF_STACK : _URC_NO_REASON;
}

const char *thrace__callers_text(char *buf, size_t size)
{
    callers_walk w = {buf, size, 0, 0, 0, (uintptr_t)thrace__callers_bottom};
    _Unwind_Backtrace(callers_step, &w);
    buf[w.used] = '\0';
    return buf;
}
