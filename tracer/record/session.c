/*
 * session.c - a recording session through liblttng-ctl, made as `lttng
 * create --output`, `enable-channel -u thrace`, `enable-event -u -c thrace
 * 'thrace:*'`, `enable-channel -u statedump`, `enable-event -u -c statedump
 * 'lttng_ust_statedump:*'`, `add-context -u -c statedump -t vpid`, `start`,
 * `stop` and `destroy` would make it (tracer/README.md records by hand that
 * way); a live one as `lttng create --live=100000 --set-url=net://HOST:C:D`
 * would.
 *
 * The channels are ours, in per-UID buffers: "thrace" with 8 sub-buffers of
 * 8 MiB (LTTng's default 4 x 512 KiB lost up to 11% of events in bursts),
 * "statedump" with 4 of 256 KiB for the few events of each registration.
 * A session records every traced process that runs meanwhile unless told
 * otherwise, so it starts with LTTng's process tracker set to an empty
 * include set, and session_track adds the one process it is for.
 *
 * In a PID namespace below the initial one with the session daemon
 * outside it, the tracker cannot name our processes: the daemon knows a
 * process by the pid its socket's credentials give, the one in the
 * daemon's namespace, never the one fork gave us. There the tracker stays
 * open, and session_track enables thrace's events filtered on what
 * LTTng-UST reads in the process itself, its pid namespace and its pid: a
 * rule per process.
 *
 * Invariant: s->handle is non-NULL exactly while the daemon holds the
 * session of that name created here, so session_destroy knows what it
 * must undo.
 */
#include "session.h"

#include <lttng/lttng.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { SESSION_SUBBUF_SIZE = 8 << 20, SESSION_SUBBUFS = 8 };
enum { SESSION_STATEDUMP_SUBBUF_SIZE = 256 << 10, SESSION_STATEDUMP_SUBBUFS = 4 };

/* A live session's packets are flushed this often (µs): the live edge a reader sees. */
enum { SESSION_LIVE_TIMER_US = 100000 };

/* The initial PID and user namespaces' inode numbers (the kernel's
 * PROC_PID_INIT_INO and PROC_USER_INIT_INO). */
#define SESSION_INITIAL_PID_NS  0xEFFFFFFCu
#define SESSION_INITIAL_USER_NS 0xEFFFFFFDu

static const char session_channel[] = "thrace";
static const char session_statedump_channel[] = "statedump";

/* The reason for an LTTng error code, given either signed (the API returns both). */
static bool session_fail(const session *s, int code, failure *why)
{
    return failure_set(why, "session %s: %s", s->name, lttng_strerror(code > 0 ? -code : code));
}

static void session_name_make(session *s)
{
    uint32_t r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        r = (uint32_t)t.tv_nsec;
    }
    snprintf(s->name, sizeof s->name, "thrace-%d-%08x", (int)getpid(), r);
}

/* The inode number of our namespace at path (/proc/self/ns/...) when it
 * is not the initial one, whose inode number is initial; else 0. */
static uint64_t session_ns(const char *path, unsigned long initial)
{
    struct stat st;
    if (stat(path, &st) != 0 || st.st_ino == initial)
        return 0;
    return (uint64_t)st.st_ino;
}

/* Creates the session d describes (NULL: out of memory), and destroys d. */
static bool session_create_described(session *s, struct lttng_session_descriptor *d, failure *why)
{
    if (!d)
        return session_fail(s, LTTNG_ERR_NOMEM, why);
    enum lttng_error_code code = lttng_create_session_ext(d);
    lttng_session_descriptor_destroy(d);
    return code == LTTNG_OK || session_fail(s, code, why);
}

static bool session_enable_channel(session *s, const char *name, uint64_t subbuf_size,
                                   uint64_t subbufs, bool blocking, failure *why)
{
    struct lttng_channel *chan = lttng_channel_create(&s->handle->domain);
    if (!chan)
        return session_fail(s, LTTNG_ERR_NOMEM, why);
    snprintf(chan->name, sizeof chan->name, "%s", name);
    chan->attr.subbuf_size = subbuf_size;
    chan->attr.num_subbuf = subbufs;
    /* -1: a full buffer makes the program wait for room, however long. */
    int rc = blocking ? lttng_channel_set_blocking_timeout(chan, -1) : 0;
    if (rc == 0)
        rc = lttng_enable_channel(s->handle, chan);
    lttng_channel_destroy(chan);
    return rc == 0 || session_fail(s, rc, why);
}

/* Enables pattern in channel, for the events filter passes (NULL: all of them). */
static bool session_enable_event(session *s, const char *pattern, const char *channel, char *filter,
                                 failure *why)
{
    struct lttng_event *ev = lttng_event_create();
    if (!ev)
        return session_fail(s, LTTNG_ERR_NOMEM, why);
    ev->type = LTTNG_EVENT_TRACEPOINT;
    ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
    ev->loglevel = -1;
    snprintf(ev->name, sizeof ev->name, "%s", pattern);
    int rc = lttng_enable_event_with_exclusions(s->handle, ev, channel, filter, 0, NULL);
    lttng_event_destroy(ev);
    /* ENABLED: a program exec'd in a process tracked already asks again. */
    return rc == 0 || rc == -LTTNG_ERR_UST_EVENT_ENABLED || session_fail(s, rc, why);
}

/*
 * vpid tells apart the processes that share the per-UID buffers: thrace's
 * events carry it as their first field (vocabulary.h's process field),
 * which costs LTTng less than a context (a call per event); the
 * statedump's, LTTng's own, get it as the context of their channel. What
 * other contexts would repeat on every event is said once: a thread's
 * kernel id in its thread_start (native_id), the process's name in the
 * statedump (lttng_ust_statedump:procname).
 */
static bool session_add_vpid(session *s, const char *channel, failure *why)
{
    struct lttng_event_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ctx = LTTNG_EVENT_CONTEXT_VPID;
    int rc = lttng_add_context(s->handle, &ctx, NULL, channel);
    return rc == 0 || session_fail(s, rc, why);
}

/* thrace's events in their channel; LTTng-UST's statedump in its own: the
 * binaries the program has loaded, which name the call sites and objects
 * of programs traced through the pthread interposer (tracer/symbols/), and
 * the process's name. */
static bool session_enable_channels(session *s, bool blocking, failure *why)
{
    return session_enable_channel(s, session_channel, SESSION_SUBBUF_SIZE, SESSION_SUBBUFS,
                                  blocking, why) &&
           session_enable_channel(s, session_statedump_channel, SESSION_STATEDUMP_SUBBUF_SIZE,
                                  SESSION_STATEDUMP_SUBBUFS, blocking, why) &&
           session_add_vpid(s, session_statedump_channel, why);
}

/* The session's tracker of attr, or NULL with the reason in why. */
static struct lttng_process_attr_tracker_handle *
session_tracker(session *s, enum lttng_process_attr attr, failure *why)
{
    struct lttng_process_attr_tracker_handle *tracker = NULL;
    enum lttng_error_code code =
        lttng_session_get_tracker_handle(s->name, LTTNG_DOMAIN_UST, attr, &tracker);
    if (code != LTTNG_OK) {
        session_fail(s, code, why);
        return NULL;
    }
    return tracker;
}

/* The session's tracker of attr, its policy set to an include set, or
 * NULL with the reason in why. */
static struct lttng_process_attr_tracker_handle *
session_include_set(session *s, enum lttng_process_attr attr, failure *why)
{
    struct lttng_process_attr_tracker_handle *tracker = session_tracker(s, attr, why);
    if (!tracker)
        return NULL;
    if (lttng_process_attr_tracker_handle_set_tracking_policy(tracker,
                                                              LTTNG_TRACKING_POLICY_INCLUDE_SET) ==
        LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK)
        return tracker;
    lttng_process_attr_tracker_handle_destroy(tracker);
    session_fail(s, LTTNG_ERR_UNK, why);
    return NULL;
}

static bool session_track_nobody(session *s, failure *why)
{
    struct lttng_process_attr_tracker_handle *tracker =
        session_include_set(s, LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID, why);
    lttng_process_attr_tracker_handle_destroy(tracker);
    return tracker != NULL;
}

/*
 * In a PID namespace, the processes of our user alone get the session's
 * buffers (another user's would get per-UID buffers of their own, unused),
 * when the daemon numbers users as we do: in the initial user namespace.
 */
static bool session_track_our_user(session *s, failure *why)
{
    if (session_ns("/proc/self/ns/user", SESSION_INITIAL_USER_NS) != 0)
        return true;
    struct lttng_process_attr_tracker_handle *tracker =
        session_include_set(s, LTTNG_PROCESS_ATTR_VIRTUAL_USER_ID, why);
    if (!tracker)
        return false;
    enum lttng_process_attr_tracker_handle_status status =
        lttng_process_attr_virtual_user_id_tracker_handle_add_uid(tracker, getuid());
    lttng_process_attr_tracker_handle_destroy(tracker);
    return status == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK ||
           session_fail(s, LTTNG_ERR_UNK, why);
}

/* In a PID namespace: pid's events, told by what LTTng-UST reads in the process. */
static bool session_track_by_filter(session *s, pid_t pid, failure *why)
{
    char filter[96];
    snprintf(filter, sizeof filter, "$ctx.pid_ns == %" PRIu64 " && $ctx.vpid == %d", s->pid_ns,
             (int)pid);
    return session_enable_event(s, "thrace:*", session_channel, filter, why);
}

/*
 * What the session records from the start: thrace's events and the
 * statedump of the processes it tracks; in a PID namespace, the statedump
 * of every process in it (one tracked once registered has told its
 * binaries already: a filter on its pid would lose them), and thrace's
 * events of none until session_track names one.
 */
static bool session_select(session *s, failure *why)
{
    char filter[64];
    snprintf(filter, sizeof filter, "$ctx.pid_ns == %" PRIu64, s->pid_ns);
    if (s->pid_ns)
        return session_enable_event(s, "lttng_ust_statedump:*", session_statedump_channel, filter,
                                    why) &&
               session_track_our_user(s, why);
    return session_enable_event(s, "thrace:*", session_channel, NULL, why) &&
           session_enable_event(s, "lttng_ust_statedump:*", session_statedump_channel, NULL, why) &&
           session_track_nobody(s, why);
}

bool session_track(session *s, pid_t pid, failure *why)
{
    if (s->pid_ns)
        return session_track_by_filter(s, pid, why);
    struct lttng_process_attr_tracker_handle *tracker =
        session_tracker(s, LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID, why);
    if (!tracker)
        return false;
    if (!tracker)
        return false;
    enum lttng_process_attr_tracker_handle_status status =
        lttng_process_attr_virtual_process_id_tracker_handle_add_pid(tracker, pid);
    lttng_process_attr_tracker_handle_destroy(tracker);
    /* EXISTS: a program exec'd in a process tracked already asks again. */
    return status == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK ||
           status == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_EXISTS ||
           session_fail(s, LTTNG_ERR_UNK, why);
}

/* Sets up the session d describes (named s->name): its channels, events, context, tracker. */
static bool session_set_up(session *s, struct lttng_session_descriptor *d, bool blocking,
                           bool daemon_here, failure *why)
{
    struct lttng_domain domain = {.type = LTTNG_DOMAIN_UST, .buf_type = LTTNG_BUFFER_PER_UID};
    s->handle = NULL;
    s->still_closing = false;
    /* A daemon elsewhere numbers our processes otherwise, unless we are in the initial namespace.
     */
    s->pid_ns = daemon_here ? 0 : session_ns("/proc/self/ns/pid", SESSION_INITIAL_PID_NS);
    if (!session_create_described(s, d, why))
        return false;
    s->handle = lttng_create_handle(s->name, &domain);
    if (!s->handle) {
        lttng_destroy_session(s->name);
        return session_fail(s, LTTNG_ERR_NOMEM, why);
    }
    if (session_enable_channels(s, blocking, why) && session_select(s, why))
        return true;
    failure ignored; /* the first failure is the one to report */
    session_destroy(s, &ignored);
    return false;
}

bool session_create(session *s, const char *dir, bool blocking, bool daemon_here, failure *why)
{
    session_name_make(s);
    s->live = false;
    return session_set_up(s, lttng_session_descriptor_local_create(s->name, dir), blocking,
                          daemon_here, why);
}

bool session_create_live(session *s, const char *control_url, bool blocking, bool daemon_here,
                         failure *why)
{
    session_name_make(s);
    s->live = true;
    return session_set_up(s,
                          lttng_session_descriptor_live_network_create(s->name, control_url, NULL,
                                                                       SESSION_LIVE_TIMER_US),
                          blocking, daemon_here, why);
}

bool session_start(session *s, failure *why)
{
    int rc = lttng_start_tracing(s->name);
    return rc == 0 || session_fail(s, rc, why);
}

bool session_stop(session *s, failure *why)
{
    int rc = lttng_stop_tracing(s->name);
    return rc == 0 || session_fail(s, rc, why);
}

/* Waits for the destruction, which flushes the trace, and gives its result. */
static enum lttng_error_code session_wait_destroyed(session *s, struct lttng_destruction_handle *h)
{
    enum lttng_error_code result = LTTNG_ERR_UNK;
    enum lttng_destruction_handle_status waited =
        lttng_destruction_handle_wait_for_completion(h, s->live ? SESSION_CLOSE_PATIENCE_MS : -1);
    if (waited == LTTNG_DESTRUCTION_HANDLE_STATUS_TIMEOUT) {
        s->still_closing = true;
        return LTTNG_OK;
    }
    if (waited != LTTNG_DESTRUCTION_HANDLE_STATUS_COMPLETED)
        return LTTNG_ERR_UNK;
    if (lttng_destruction_handle_get_result(h, &result) != LTTNG_DESTRUCTION_HANDLE_STATUS_OK)
        return LTTNG_ERR_UNK;
    return result;
}

bool session_destroy(session *s, failure *why)
{
    if (!s->handle)
        return true;
    struct lttng_destruction_handle *h = NULL;
    enum lttng_error_code code = lttng_destroy_session_ext(s->name, &h);
    if (code == LTTNG_OK)
        code = session_wait_destroyed(s, h);
    if (h)
        lttng_destruction_handle_destroy(h);
    lttng_destroy_handle(s->handle);
    s->handle = NULL;
    return code == LTTNG_OK || session_fail(s, code, why);
}
