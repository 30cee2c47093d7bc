/*
 * daemon.c - `thrace daemon [--db FILE.db] [--port N] [--bind ADDR]
 * [--no-viewer] [--relayd URL] [--relayd-output DIR] [--deadlock-timeout SECONDS]`: the
 * observability daemon, composed of the relay daemon (tracer/record/'s
 * relayd.h: the one that answers, or one started and stopped here), the
 * live storing (tracer/live/) and the viewer (viewer/), on one database.
 *
 * The storing runs in a watched child process (live_supervise), restarted
 * when it crashes or hangs; this process keeps the relay daemon and the
 * viewer. SIGINT, SIGTERM and SIGHUP are blocked in every thread, passed
 * on to the child and taken there between rounds, so a tick is always
 * committed whole: the traces being followed stay live in the database,
 * for the next daemon to resume. A database failure (a full disk) ends the
 * daemon with status 1.
 */
#include "cli.h"
#include "commands.h"
#include "live.h"
#include "record.h"
#include "store.h"
#include "viewer.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *db_path, *bind, *relayd_url, *relayd_output;
    int port;
    bool no_viewer;
} daemon_options;

typedef struct {
    daemon_options opt;
    live_options live;              /* the relay daemon, its copies, the deadlock timeout */
    char copies[2 * PATH_MAX + 16]; /* the relay daemon's output directory, absolute */
    live_supervisor *storing;
    server *viewer;
    sigset_t stop;
    pthread_t keeper; /* starts our lttng-relayd again when it ends */
    bool keeping;
    atomic_bool stopping;
} daemon_state;

static const char usage[] =
    "usage: thrace daemon [--db FILE.db] [--port N] [--bind ADDR] [--no-viewer]\n"
    "                     [--relayd URL] [--relayd-output DIR] [--deadlock-timeout SECONDS]\n"
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
    "                        its trace copies in FILE.db-relayd/) and stopped on exit;\n"
    "                        started again if it ends\n"
    "  --relayd-output DIR   where the relay daemon writes its copies of the traces\n"
    "                        (its -o; default FILE.db-relayd/, where one started here\n"
    "                        writes): a trace read with gaps (the daemon restarted, a\n"
    "                        session ended while it was down) is stored again from its\n"
    "                        copy\n"
    "  --deadlock-timeout SECONDS\n"
    "                        report a wait-for cycle, or a process whose non-daemon\n"
    "                        threads are all blocked, once it has lasted that long\n"
    "                        (default 3)\n"
    "  -h, --help            this help\n"
    "\n"
    "Programs on other hosts stream to the relay daemon with LTTng's own network\n"
    "streaming (`thrace record --live --relayd net://THIS_HOST`); each trace is\n"
    "kept apart by host, session and process.\n";

static int daemon_run(daemon_state *d)
{
    failure why;
    int stopped = live_supervisor_wait(d->storing, &why);
    d->storing = NULL;
    if (stopped < 0)
        return cli_error("daemon", d->opt.db_path,
                         "%s: stopped storing; what was stored before is kept", why.text);
    return CLI_OK;
}

/* Starts our lttng-relayd again whenever it ends, until the daemon stops:
 * the sessions it had are lost (the storing cuts their traces), new ones
 * stream again. */
static void *daemon_keep_relayd(void *arg)
{
    daemon_state *d = arg;
    char how[64];
    while (!atomic_load(&d->stopping)) {
        nanosleep(&(struct timespec){0, 200 * 1000000L}, NULL);
        if (!relayd_ended(&d->live.rd, how, sizeof how))
            continue;
        failure why;
        if (relayd_use(&d->live.rd, d->copies, &why))
            live_say("lttng-relayd ended (%s): started again (pid %d)", how,
                     (int)d->live.rd.started);
        else
            live_say("lttng-relayd ended (%s), and could not start again: %s", how, why.text);
    }
    return NULL;
}

/* The relay daemon's output directory: --relayd-output, else FILE.db-relayd,
 * absolute (lttng-relayd wants an absolute -o). */
static void daemon_copies(daemon_state *d)
{
    char cwd[PATH_MAX];
    const char *path = d->opt.relayd_output;
    bool relative = (path ? path : d->opt.db_path)[0] != '/' && getcwd(cwd, sizeof cwd);
    snprintf(d->copies, sizeof d->copies, "%s%s%s%s", relative ? cwd : "", relative ? "/" : "",
             path ? path : d->opt.db_path, path ? "" : "-relayd");
}

/* The relay daemon to follow: the one that answers, else one started (and
 * kept running). */
static bool daemon_relayd(daemon_state *d)
{
    failure why;
    daemon_copies(d);
    if (!relayd_parse(&d->live.rd, d->opt.relayd_url, &why) ||
        !relayd_use(&d->live.rd, d->copies, &why)) {
        cli_failure("daemon", &why);
        return false;
    }
    /* Where ours writes, or where an earlier daemon's (still running after
     * a kill -9) does: a copy is known by its trace's UUID, so a directory
     * of another relay daemon's only finds nothing. */
    d->live.copies = d->copies;
    if (d->live.rd.started)
        live_say("started lttng-relayd (pid %d) on %s, its trace copies in %s",
                 (int)d->live.rd.started, d->live.rd.url, d->copies);
    d->keeping = d->live.rd.started && pthread_create(&d->keeper, NULL, daemon_keep_relayd, d) == 0;
    return true;
}

static bool daemon_setup(daemon_state *d)
{
    failure why;
    sqlite3 *db = db_open(d->opt.db_path, true, &why); /* made now: the storing opens its own */
    if (!db) {
        cli_failure("daemon", &why);
        return false;
    }
    db_close(db);
    if (!daemon_relayd(d))
        return false;
    /* Before the viewer's threads: the storing forks. */
    d->storing = live_supervisor_start(d->opt.db_path, &d->live, &d->stop, &why);
    if (!d->storing) {
        cli_failure("daemon", &why);
        return false;
    }
    if (!d->opt.no_viewer &&
        !(d->viewer = server_start(d->opt.db_path, d->opt.bind, d->opt.port, true, &why))) {
        cli_failure("daemon", &why);
        return false;
    }
    live_say("storing live sessions of %s into %s%s%s (Ctrl-C to stop)", d->live.rd.url,
             d->opt.db_path, d->viewer ? "; viewer on " : "",
             d->viewer ? server_url(d->viewer) : "");
    return true;
}

static void daemon_teardown(daemon_state *d)
{
    if (d->storing) /* setting up failed after it started */
        live_supervisor_stop(d->storing);
    if (d->viewer)
        server_stop(d->viewer);
    atomic_store(&d->stopping, true);
    if (d->keeping)
        pthread_join(d->keeper, NULL);
    failure why;
    if (!relayd_stop(&d->live.rd, &why))
        cli_failure("daemon", &why);
}

int daemon_main(int argc, char **argv)
{
    daemon_state d = {.opt = {.db_path = "thrace.db", .bind = "127.0.0.1", .port = 8080},
                      .live = {.deadlock_timeout = 3}};
    const cli_option options[] = {
        CLI_OPTION("db", 0, CLI_TEXT, &d.opt.db_path),
        CLI_OPTION("port", 0, CLI_PORT, &d.opt.port),
        CLI_OPTION("bind", 0, CLI_TEXT, &d.opt.bind),
        CLI_OPTION("no-viewer", 0, CLI_FLAG, &d.opt.no_viewer),
        CLI_OPTION("relayd", 0, CLI_TEXT, &d.opt.relayd_url),
        CLI_OPTION("relayd-output", 0, CLI_TEXT, &d.opt.relayd_output),
        CLI_SECONDS_OPTION("deadlock-timeout", &d.live.deadlock_timeout, 0.1, 86400),
        CLI_END,
    };
    const cli_spec spec = {.command = "daemon",
                           .usage = usage,
                           .options = options,
                           .min_operands = 0,
                           .max_operands = 0};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    /* Blocked before any thread starts (they inherit it): taken between ticks only. */
    sigemptyset(&d.stop);
    sigaddset(&d.stop, SIGINT);
    sigaddset(&d.stop, SIGTERM);
    sigaddset(&d.stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &d.stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    status = daemon_setup(&d) ? daemon_run(&d) : CLI_FAIL;
    daemon_teardown(&d);
    return status;
}
