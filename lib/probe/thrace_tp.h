/*
 * thrace_tp.h - the LTTng-UST tracepoint provider `thrace`: every event of
 * lib/vocabulary/vocabulary.h, declared from it, with its fields.
 *
 * Included three ways: by lib/trace.c with LTTNG_UST_TRACEPOINT_DEFINE and
 * LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE (libthrace holds the tracepoint
 * sites but links no liblttng-ust), by the other lib files (to call them),
 * and by thrace_tp.c with LTTNG_UST_TRACEPOINT_CREATE_PROBES, which builds
 * libthrace-tp.so, the probe provider that `thrace record` preloads.
 *
 * LTTng reads this file several times, with its macros defined anew each
 * time; the declarations below expand the vocabulary's lists into them on
 * every reading. An event `acquire_end` with fields F(tid) F(obj) becomes
 *
 *     LTTNG_UST_TRACEPOINT_EVENT(thrace, acquire_end,
 *         LTTNG_UST_TP_ARGS(uint32_t, tid, uint32_t, obj),
 *         LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(uint32_t, pid, thrace__pid_get())
 *                             lttng_ust_field_integer(uint32_t, tid, tid)
 *                             lttng_ust_field_integer(uint32_t, obj, obj)))
 *
 * where pid, the vocabulary's process field, is the probe's to fill in.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER thrace

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "thrace_tp.h"

#if !defined(THRACE_LIB_PROBE_THRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define THRACE_LIB_PROBE_THRACE_TP_H

#include <lttng/tracepoint.h>
#include <stdint.h>

#include "vocabulary.h"

#ifndef THRACE_TP_EXPANSIONS
#define THRACE_TP_EXPANSIONS

/* An enumeration's values. */
#define THRACE_TP_VALUE(name, number)             lttng_ust_field_enum_value(#name, number)
#define THRACE_TP_KIND_VALUE(name, number, class) THRACE_TP_VALUE(name, number)

/* A field as a tracepoint argument (", type, name") and as a CTF field. */
#define THRACE_TP_ARG(name)                     THRACE_TP_ARG_(name, VOCAB_FIELD_##name)
#define THRACE_TP_ARG_(name, ...)               THRACE_TP_ARG__(name, __VA_ARGS__)
#define THRACE_TP_ARG__(name, type, format)     , type, name
#define THRACE_TP_ENUM_ARG(name, enumeration)   , int, name
#define THRACE_TP_FIELD(name)                   THRACE_TP_FIELD_(name, VOCAB_FIELD_##name)
#define THRACE_TP_FIELD_(name, ...)             THRACE_TP_FIELD__(name, __VA_ARGS__)
#define THRACE_TP_FIELD__(name, type, format)   THRACE_TP_FIELD_##format(type, name)
#define THRACE_TP_FIELD_integer(type, name)     lttng_ust_field_integer(type, name, name)
#define THRACE_TP_FIELD_integer_hex(type, name) lttng_ust_field_integer_hex(type, name, name)
#define THRACE_TP_FIELD_float(type, name)       lttng_ust_field_float(type, name, name)
#define THRACE_TP_FIELD_string(type, name)      lttng_ust_field_string(name, name)
#define THRACE_TP_ENUM_FIELD(name, enumeration)                                                    \
    lttng_ust_field_enum(thrace, enumeration, int, name, name)

/* The arguments without the first comma. */
#define THRACE_TP_ARGS(...)         THRACE_TP_ARGS_(__VA_ARGS__)
#define THRACE_TP_ARGS_(empty, ...) __VA_ARGS__

/* The process field every event begins with, filled in by the probe. */
#define THRACE_TP_PROCESS_FIELD                                                                    \
    lttng_ust_field_integer(VOCAB_PROCESS_FIELD_TYPE, VOCAB_PROCESS_FIELD, thrace__pid_get())

#define THRACE_TP_EVENT(name)                                                                      \
    LTTNG_UST_TRACEPOINT_EVENT(                                                                    \
        thrace, name,                                                                              \
        LTTNG_UST_TP_ARGS(THRACE_TP_ARGS(VOCAB_EVENT_##name(THRACE_TP_ARG, THRACE_TP_ENUM_ARG))),  \
        LTTNG_UST_TP_FIELDS(                                                                       \
            THRACE_TP_PROCESS_FIELD VOCAB_EVENT_##name(THRACE_TP_FIELD, THRACE_TP_ENUM_FIELD)))

/* The calling process's id, for the process field (pid.c; the probe's own). */
__attribute__((visibility("hidden"))) uint32_t thrace__pid_get(void);

#endif

LTTNG_UST_TRACEPOINT_ENUM(thrace, object_kind,
                          LTTNG_UST_TP_ENUM_VALUES(VOCAB_KINDS(THRACE_TP_KIND_VALUE)))
LTTNG_UST_TRACEPOINT_ENUM(thrace, outcome,
                          LTTNG_UST_TP_ENUM_VALUES(VOCAB_OUTCOMES(THRACE_TP_VALUE)))
LTTNG_UST_TRACEPOINT_ENUM(thrace, thread_kind,
                          LTTNG_UST_TP_ENUM_VALUES(VOCAB_THREAD_KINDS(THRACE_TP_VALUE)))

VOCAB_EVENTS(THRACE_TP_EVENT)

#endif /* THRACE_LIB_PROBE_THRACE_TP_H */

#include <lttng/tracepoint-event.h>
