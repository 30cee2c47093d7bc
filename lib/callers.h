/*
 * callers.h - the callers of a call site, captured once per site: the
 * stack of the thread that first reaches it, told with its callsite event
 * so that a report can say "called from" under the site's line.
 */
#ifndef THRACE_LIB_CALLERS_H
#define THRACE_LIB_CALLERS_H

#include "internal.h"

#include <stddef.h>
#include <stdint.h>

/* Return addresses captured at most: libthrace's own few frames, the
 * site's, and the 8 callers a report tells. */
enum { THRACE__CALLERS_MAX = 16 };

/* Where the calling thread's own code begins on its stack: the frame of
 * the libthrace function about to call its target (thread.c, timer.c;
 * never a call in tail position, whose frame is gone by then);
 * NULL in the main thread and in threads libthrace did not start. */
extern THRACE__TLS void *thrace__callers_bottom;

/* Marks the calling function's frame as the bottom of the stack a capture
 * walks: its callers are libthrace's, not the program's. */
#define THRACE__CALLERS_FROM_HERE() (thrace__callers_bottom = __builtin_frame_address(0))

/* The calling thread's return addresses, innermost first (this function's
 * caller's first), up to the bottom marked, as hex separated by spaces
 * ("0x4011a6 0x401203") in buf (size > 0); "" when none could be read. Costs an
 * unwind of the stack: for a site's first use only. */
const char *thrace__callers_text(char *buf, size_t size);

#endif
