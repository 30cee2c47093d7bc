/*
 * daemon.c - `thrace daemon [--db FILE.db] [--port N] [--bind ADDR]
 * [--no-viewer] [--relayd URL] [--deadlock-timeout SECONDS]`: the
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
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *db_path, *bind, *relayd_url;
    int port;
    double deadlock_timeout;
    bool no_viewer;
} daemon_options;

typedef struct {
    daemon_options opt;
    relayd rd;
    live_supervisor *storing;
    server *viewer;
    sigset_t stop;
} daemon_state;

static const char usage[] =
    "usage: thrace daemon [--db FILE.db] [--port N] [--bind ADDR] [--no-viewer]\n"
    "                     [--relayd URL] [--deadlock-timeout SECONDS]\n"
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

/* The relay daemon to follow: the one that answers, else one started. */
static bool daemon_relayd(daemon_state *d)
{
    char output[2 * PATH_MAX + 16], cwd[PATH_MAX];
    /* lttng-relayd wants an absolute -o. */
    bool relative = d->opt.db_path[0] != '/' && getcwd(cwd, sizeof cwd);
    snprintf(output, sizeof output, "%s%s%s-relayd", relative ? cwd : "", relative ? "/" : "",
             d->opt.db_path);
    failure why;
    if (!relayd_parse(&d->rd, d->opt.relayd_url, &why) || !relayd_use(&d->rd, output, &why)) {
        cli_failure("daemon", &why);
        return false;
    }
    if (d->rd.started)
        live_say("started lttng-relayd (pid %d) on %s, its trace copies in %s", (int)d->rd.started,
                 d->rd.url, output);
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
    d->storing =
        live_supervisor_start(d->opt.db_path, &d->rd, d->opt.deadlock_timeout, &d->stop, &why);
    if (!d->storing) {
        cli_failure("daemon", &why);
        return false;
    }
    if (!d->opt.no_viewer &&
        !(d->viewer = server_start(d->opt.db_path, d->opt.bind, d->opt.port, true, &why))) {
        cli_failure("daemon", &why);
        return false;
    }
    live_say("storing live sessions of %s into %s%s%s (Ctrl-C to stop)", d->rd.url, d->opt.db_path,
             d->viewer ? "; viewer on " : "", d->viewer ? server_url(d->viewer) : "");
    return true;
}

static void daemon_teardown(daemon_state *d)
{
    if (d->storing) /* setting up failed after it started */
        live_supervisor_stop(d->storing);
    if (d->viewer)
        server_stop(d->viewer);
    failure why;
    if (!relayd_stop(&d->rd, &why))
        cli_failure("daemon", &why);
}

int daemon_main(int argc, char **argv)
{
    daemon_state d = {
        .opt = {.db_path = "thrace.db", .bind = "127.0.0.1", .port = 8080, .deadlock_timeout = 3}};
    const cli_option options[] = {
        CLI_OPTION("db", 0, CLI_TEXT, &d.opt.db_path),
        CLI_OPTION("port", 0, CLI_PORT, &d.opt.port),
        CLI_OPTION("bind", 0, CLI_TEXT, &d.opt.bind),
        CLI_OPTION("no-viewer", 0, CLI_FLAG, &d.opt.no_viewer),
        CLI_OPTION("relayd", 0, CLI_TEXT, &d.opt.relayd_url),
        CLI_SECONDS_OPTION("deadlock-timeout", &d.opt.deadlock_timeout, 0.1, 86400),
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
