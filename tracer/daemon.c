/*
 * daemon.c - `thrace daemon [--db FILE.db] [--port N] [--bind ADDR]
 * [--relayd URL] [--deadlock-timeout SECONDS]`: the observability daemon.
 *
 * One thread does the storing: it lists the relay daemon's live sessions
 * (livelist.h) twice a second, follows each new one (follow.h), and steps
 * every follower in turn inside one write transaction per tick (about
 * 200 ms), checkpointed and committed at the tick's end: readers (the
 * viewer's threads, started by server.h on the same file, and any `thrace`
 * command) see whole traces up to their live edge and never wait (WAL).
 * After each commit, livewatch.h looks for deadlocks forming.
 *
 * Life: SIGINT, SIGTERM and SIGHUP are blocked in every thread and taken
 * between ticks, so a tick is always committed whole: the traces being
 * followed stay live in the database, for the next daemon to resume. A
 * session that ends (destroyed) has its traces completed. A relay daemon
 * that fails us is reattached when it lists the session again; one that
 * comes back without it has lost it, and its traces are completed. A
 * database failure (a full disk) ends the daemon with status 1, having
 * rolled back only the tick that failed.
 */
#include "cli.h"
#include "commands.h"
#include "db.h"
#include "follow.h"
#include "livelist.h"
#include "livewatch.h"
#include "relayd.h"
#include "server.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    TICK_MS = 200,       /* a transaction's longest time */
    IDLE_MS = 100,       /* the wait between ticks when nothing came */
    LIST_EVERY_MS = 500, /* how often the relay daemon's sessions are listed */
    WATCH_EVERY_MS = 500,
};

typedef struct {
    const char *db_path, *bind, *relayd_url;
    int port; /* -1: no viewer */
    double deadlock_timeout;
} daemon_options;

typedef struct {
    follow *f;
    bool ended;  /* the session is gone: complete it */
    bool broken; /* the relay daemon failed us: reattach when listed */
    bool told;   /* a failed reattach was said: not again until one works */
} daemon_session;

typedef struct {
    daemon_options opt;
    sqlite3 *db;
    relayd rd;
    server *viewer;
    livewatch *watch;
    daemon_session *sessions;
    size_t nsessions;
    bool relayd_lost; /* said that the relay daemon does not answer */
    char **refused;   /* sessions with another reader: said once */
    size_t nrefused;
    bool busy; /* the last tick stored messages: no wait before the next */
    sigset_t stop;
} daemon_state;

static const char usage[] =
    "usage: thrace daemon [--db FILE.db] [--port N] [--bind ADDR] [--relayd URL]\n"
    "                     [--deadlock-timeout SECONDS]\n"
    "\n"
    "The observability daemon: follows every live LTTng session on a relay daemon\n"
    "(`thrace record --live -- PROG` makes one), stores their events in FILE.db as\n"
    "they arrive, serves their timelines to a browser while they run, and reports\n"
    "deadlocks as they form. Runs until Ctrl-C or SIGTERM, which commit what was\n"
    "received: started again, it resumes the sessions still live without storing\n"
    "anything twice.\n"
    "\n"
    "  --db FILE.db          the database (default thrace.db), created if needed\n"
    "  --port N              the viewer's port (default 8080; 0 picks a free one)\n"
    "  --bind ADDR           the viewer's address (default 127.0.0.1)\n"
    "  --no-viewer           do not serve the viewer\n"
    "  --relayd URL          the relay daemon, net://HOST[:LIVE_PORT] (default\n"
    "                        " RELAYD_DEFAULT_URL "); one that does not answer on a loopback\n"
    "                        address is started (ports LIVE_PORT-2, -1 and LIVE_PORT,\n"
    "                        its trace copies in FILE.db-relayd/) and stopped on exit\n"
    "  --deadlock-timeout SECONDS\n"
    "                        report a wait-for cycle, or a process whose non-daemon\n"
    "                        threads are all blocked, once it has lasted that long\n"
    "                        (default 3)\n"
    "  -h, --help            this help\n"
    "\n"
    "Programs on other hosts stream to the relay daemon with LTTng's own network\n"
    "streaming (`thrace record --live --relayd net://THIS_HOST`); each trace is\n"
    "kept apart by host, session and process.\n";

/* Prints one line of the daemon's log on stdout. */
static void daemon_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void daemon_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("thrace daemon: ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

static double daemon_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the command line ------------------------------------------------------------ */

static int daemon_parse(int argc, char **argv, daemon_options *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},   {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'}, {"relayd", required_argument, NULL, 'r'},
        {"no-viewer", no_argument, NULL, 'n'},  {"deadlock-timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", options, NULL)) != -1;) {
        if (c == 'd')
            o->db_path = optarg;
        else if (c == 'b')
            o->bind = optarg;
        else if (c == 'r')
            o->relayd_url = optarg;
        else if (c == 'n')
            o->port = -1;
        else if (c == 'p' && !cli_parse_port(optarg, &o->port))
            return cli_usage_error("daemon", "--port: not a port number (0 to 65535)");
        else if (c == 't' && !(cli_parse_seconds(optarg, 86400, &o->deadlock_timeout) &&
                               o->deadlock_timeout >= 0.1))
            return cli_usage_error("daemon", "--deadlock-timeout: seconds from 0.1 to 86400");
        else if (c == 'h') {
            fputs(usage, stdout);
            return -1;
        } else if (c == ':')
            return cli_usage_error("daemon", "%s needs a value", argv[optind - 1]);
        else if (c == '?')
            return cli_usage_error("daemon", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind < argc)
        return cli_usage_error("daemon", "unexpected argument '%s'", argv[optind]);
    return CLI_OK;
}

/* ---- sessions ---------------------------------------------------------------------- */

static daemon_session *daemon_session_of(daemon_state *d, const char *url)
{
    for (size_t i = 0; i < d->nsessions; i++)
        if (strcmp(follow_url(d->sessions[i].f), url) == 0)
            return &d->sessions[i];
    return NULL;
}

/* Says once that a session is someone else's to read. */
static void daemon_refuse(daemon_state *d, const livelist_session *s)
{
    for (size_t i = 0; i < d->nrefused; i++)
        if (strcmp(d->refused[i], s->url) == 0)
            return;
    char **refused = realloc(d->refused, (d->nrefused + 1) * sizeof *refused);
    if (!refused || !(refused[d->nrefused] = strdup(s->url))) {
        d->refused = refused ? refused : d->refused;
        return;
    }
    d->refused = refused;
    d->nrefused++;
    daemon_say("%s: another live reader is attached (LTTng allows one): not followed", s->url);
}

/* A new session to follow, not attached yet; NULL when out of memory. */
static daemon_session *daemon_session_add(daemon_state *d, const char *url)
{
    follow *f = follow_new(d->db, url);
    daemon_session *more = f ? realloc(d->sessions, (d->nsessions + 1) * sizeof *more) : NULL;
    if (!more) {
        follow_free(f);
        return NULL;
    }
    d->sessions = more;
    more[d->nsessions] = (daemon_session){.f = f};
    return &more[d->nsessions++];
}

/* Follows a listed session: a new one, or one the relay daemon broke off. */
static void daemon_follow(daemon_state *d, const livelist_session *s)
{
    daemon_session *known = daemon_session_of(d, s->url);
    if (known && !known->broken)
        return;
    if (!known && s->clients > 0) {
        daemon_refuse(d, s);
        return;
    }
    if (!known && !(known = daemon_session_add(d, s->url))) {
        daemon_say("%s: out of memory: not followed", s->url);
        return;
    }
    char err[700];
    known->broken = !follow_attach(known->f, err, sizeof err);
    if (known->broken && !known->told)
        daemon_say("%s", err);
    else if (!known->broken)
        daemon_say("%s: following session %s of host %s", s->url, s->name, s->hostname);
    known->told = known->broken;
}

/* Sessions broken off that the relay daemon no longer lists are gone. */
static void daemon_gone(daemon_state *d, const livelist_session *list, size_t n)
{
    for (size_t i = 0; i < d->nsessions; i++) {
        bool listed = false;
        for (size_t k = 0; k < n && !listed; k++)
            listed = strcmp(list[k].url, follow_url(d->sessions[i].f)) == 0;
        if (d->sessions[i].broken && !listed)
            d->sessions[i].ended = true;
    }
}

static void daemon_list(daemon_state *d)
{
    livelist_session *list;
    size_t n;
    char err[700];
    if (!livelist_query(d->rd.url, &list, &n, err, sizeof err)) {
        if (!d->relayd_lost)
            daemon_say("%s: waiting for the relay daemon", err);
        d->relayd_lost = true;
        return;
    }
    if (d->relayd_lost)
        daemon_say("%s: the relay daemon answers again", d->rd.url);
    d->relayd_lost = false;
    for (size_t i = 0; i < n; i++)
        daemon_follow(d, &list[i]);
    daemon_gone(d, list, n);
    livelist_free(list);
}

/* ---- ticks ----------------------------------------------------------------------- */

/* A step's outcome for the session; false when the database failed. */
static bool daemon_stepped(daemon_session *s, follow_status status, bool *busy)
{
    switch (status) {
    case FOLLOW_BUSY:
        *busy = true;
        return true;
    case FOLLOW_IDLE:
        return true;
    case FOLLOW_ENDED:
        s->ended = true;
        return true;
    case FOLLOW_BROKEN:
        s->broken = true;
        daemon_say("%s: %s: will follow again when the relay daemon lists it", follow_url(s->f),
                   follow_error(s->f));
        return true;
    default:
        return false;
    }
}

/* Steps every attached session until none has more or the tick is over. */
static bool daemon_steps(daemon_state *d, const char **err)
{
    double end = daemon_now() + TICK_MS / 1000.0;
    d->busy = false;
    for (bool busy = true; busy && daemon_now() < end;) {
        busy = false;
        for (size_t i = 0; i < d->nsessions; i++) {
            daemon_session *s = &d->sessions[i];
            if (s->ended || s->broken)
                continue;
            if (!daemon_stepped(s, follow_step(s->f), &busy)) {
                *err = follow_error(s->f);
                return false;
            }
        }
        d->busy = d->busy || busy;
    }
    return true;
}

/* Runs step on every session but those ended. */
static bool daemon_each(daemon_state *d, bool (*step)(follow *), const char **err)
{
    for (size_t i = 0; i < d->nsessions; i++)
        if (!d->sessions[i].ended && !step(d->sessions[i].f)) {
            *err = follow_error(d->sessions[i].f);
            return false;
        }
    return true;
}

/* Completes the sessions that ended; they are dropped after the commit. */
static bool daemon_finish_ended(daemon_state *d, const char **err)
{
    for (size_t i = 0; i < d->nsessions; i++)
        if (d->sessions[i].ended && !follow_finish(d->sessions[i].f)) {
            *err = follow_error(d->sessions[i].f);
            return false;
        }
    return true;
}

static void daemon_drop_ended(daemon_state *d)
{
    for (size_t i = 0; i < d->nsessions;) {
        daemon_session *s = &d->sessions[i];
        if (!s->ended) {
            i++;
            continue;
        }
        for (size_t k = 0; k < follow_ntraces(s->f); k++)
            if (follow_trace_at(s->f, k))
                livewatch_forget(d->watch, livetrace_row(follow_trace_at(s->f, k)));
        daemon_say("%s: session ended: %" PRIu64 " events stored", follow_url(s->f),
                   follow_events(s->f));
        follow_free(s->f);
        *s = d->sessions[--d->nsessions];
    }
}

/* One transaction: step, checkpoint, complete what ended, commit. */
static bool daemon_tick(daemon_state *d, const char **err)
{
    if (!db_exec(d->db, "BEGIN IMMEDIATE", err))
        return sqlite3_errcode(d->db) == SQLITE_BUSY; /* a writer of another process: later */
    bool ok = daemon_steps(d, err) && daemon_each(d, follow_checkpoint, err) &&
              daemon_finish_ended(d, err) && db_exec(d->db, "COMMIT", err);
    if (!ok) {
        const char *ignored;
        *err = *err ? *err : sqlite3_errmsg(d->db);
        static char reason[256]; /* the rollback may change sqlite's message */
        snprintf(reason, sizeof reason, "%s", *err);
        *err = reason;
        db_exec(d->db, "ROLLBACK", &ignored);
        return false;
    }
    daemon_drop_ended(d);
    return true;
}

static bool daemon_watch(daemon_state *d, const char **err)
{
    for (size_t i = 0; i < d->nsessions; i++) {
        const follow *f = d->sessions[i].f;
        for (size_t k = 0; k < follow_ntraces(f); k++) {
            const livetrace *t = follow_trace_at(f, k);
            int64_t first, last;
            if (!t)
                continue;
            livetrace_open_rows(t, &first, &last);
            if (!livewatch_check(d->watch, livetrace_row(t), follow_url(f), first, last, err))
                return false;
        }
    }
    return true;
}

/* ---- the command ------------------------------------------------------------------ */

/* Waits up to ms for a stop signal; true when one came. */
static bool daemon_stopped(daemon_state *d, int ms)
{
    struct timespec wait = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int sig = sigtimedwait(&d->stop, NULL, &wait);
    if (sig > 0)
        daemon_say("%s: committing and stopping", strsignal(sig));
    return sig > 0;
}

static int daemon_run(daemon_state *d)
{
    double next_list = 0, next_watch = 0;
    const char *err = NULL;
    for (;;) {
        double now = daemon_now();
        if (now >= next_list) {
            daemon_list(d);
            next_list = now + LIST_EVERY_MS / 1000.0;
        }
        bool active = false;
        for (size_t i = 0; i < d->nsessions; i++)
            active = active || !d->sessions[i].broken || d->sessions[i].ended;
        if (active && !daemon_tick(d, &err))
            break;
        if (active && daemon_now() >= next_watch) {
            if (!daemon_watch(d, &err))
                break;
            next_watch = daemon_now() + WATCH_EVERY_MS / 1000.0;
        }
        if (daemon_stopped(d, active && d->busy ? 0 : IDLE_MS))
            return CLI_OK;
    }
    return cli_error("daemon", d->opt.db_path,
                     "%s: stopped storing; what was stored before is kept", err);
}

/* The relay daemon to follow: the one that answers, else one started. */
static bool daemon_relayd(daemon_state *d)
{
    char err[700], output[2 * PATH_MAX + 16], cwd[PATH_MAX];
    /* lttng-relayd wants an absolute -o. */
    bool relative = d->opt.db_path[0] != '/' && getcwd(cwd, sizeof cwd);
    snprintf(output, sizeof output, "%s%s%s-relayd", relative ? cwd : "", relative ? "/" : "",
             d->opt.db_path);
    if (!relayd_parse(&d->rd, d->opt.relayd_url, err, sizeof err) ||
        !relayd_use(&d->rd, output, err, sizeof err)) {
        cli_error("daemon", NULL, "%s", err);
        return false;
    }
    if (d->rd.started)
        daemon_say("started lttng-relayd (pid %d) on %s, its trace copies in %s",
                   (int)d->rd.started, d->rd.url, output);
    return true;
}

static bool daemon_setup(daemon_state *d)
{
    const char *reason;
    if (!(d->db = db_open(d->opt.db_path, true, &reason))) {
        cli_error("daemon", d->opt.db_path, "%s", reason);
        return false;
    }
    /* WAL, so that readers never wait; no foreign-key checks, as for an
     * ingest (the model refers only to rows it wrote itself); a page cache
     * that keeps the indexes' hot pages across ticks (64 MiB at most). */
    if (!db_exec(d->db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; "
                 "PRAGMA cache_size=-65536",
                 &reason) ||
        !(d->watch = livewatch_new(d->db, d->opt.deadlock_timeout, stdout))) {
        cli_error("daemon", d->opt.db_path, "%s", d->watch ? reason : "out of memory");
        return false;
    }
    if (!daemon_relayd(d))
        return false;
    char err[700];
    if (d->opt.port >= 0 && !(d->viewer = server_start(d->opt.db_path, d->opt.bind, d->opt.port,
                                                       true, err, sizeof err))) {
        cli_error("daemon", NULL, "%s", err);
        return false;
    }
    daemon_say("storing live sessions of %s into %s%s%s (Ctrl-C to stop)", d->rd.url,
               d->opt.db_path, d->viewer ? "; viewer on " : "",
               d->viewer ? server_url(d->viewer) : "");
    return true;
}

static void daemon_teardown(daemon_state *d)
{
    if (d->viewer)
        server_stop(d->viewer);
    for (size_t i = 0; i < d->nsessions; i++)
        follow_free(d->sessions[i].f);
    free(d->sessions);
    for (size_t i = 0; i < d->nrefused; i++)
        free(d->refused[i]);
    free(d->refused);
    livewatch_free(d->watch);
    char err[700];
    if (!relayd_stop(&d->rd, err, sizeof err))
        cli_error("daemon", NULL, "%s", err);
    if (d->db)
        db_close(d->db);
}

int daemon_main(int argc, char **argv)
{
    daemon_state d = {
        .opt = {.db_path = "thrace.db", .bind = "127.0.0.1", .port = 8080, .deadlock_timeout = 3}};
    int rc = daemon_parse(argc, argv, &d.opt);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    /* Blocked before any thread starts (they inherit it): taken between ticks only. */
    sigemptyset(&d.stop);
    sigaddset(&d.stop, SIGINT);
    sigaddset(&d.stop, SIGTERM);
    sigaddset(&d.stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &d.stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    rc = daemon_setup(&d) ? daemon_run(&d) : CLI_FAIL;
    daemon_teardown(&d);
    return rc;
}
