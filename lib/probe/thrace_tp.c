/*
 * thrace_tp.c - the probe provider: libthrace-tp.so, which `thrace record`
 * preloads to turn libthrace's tracepoints on. Nothing but the probes of
 * thrace_tp.h, linked with liblttng-ust.
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "thrace_tp.h"
