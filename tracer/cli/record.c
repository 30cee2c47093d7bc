/*
 * record.c - `thrace record [-o FILE.db [--append] [--keep-trace DIR] |
 * --live [--relayd URL]] [--blocking] [--deadlock-timeout S] [--] PROG
 * [ARGS...]`: the command line; the
 * recording is tracer/record/'s (record_run), and the exit status PROG's.
 */
#include "record.h"
#include "cli.h"
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>

/* --deadlock-timeout and --live-wait: positive seconds, at most a year. */
#define RECORD_MAX_SECONDS (365 * 86400.0)

static const char usage[] =
    "usage: thrace record [-o FILE.db] [--append] [--keep-trace DIR] [--blocking]\n"
    "                     [--no-interpose] [--deadlock-timeout SECONDS] [--] PROG [ARGS...]\n"
    "       thrace record --live [--relayd URL] [--live-wait SECONDS] [--blocking]\n"
    "                     [--no-interpose] [--deadlock-timeout SECONDS] [--] PROG [ARGS...]\n"
    "\n"
    "Runs PROG under a new LTTng session recording its threads, locks, conditions,\n"
    "semaphores, barriers and waits, stores the trace in FILE.db and prints a\n"
    "summary: events, threads, duration, discards, on the last line of stderr;\n"
    "the line before it names what `thrace deadlocks FILE.db` would find, if\n"
    "anything. An existing FILE.db (a thrace database; another file is refused)\n"
    "is kept as FILE.db.old, replacing an older one, unless --append.\n"
    "PROG needs no rebuild: its pthread calls (and C++'s std::thread, std::mutex,\n"
    "std::condition_variable, std::shared_mutex over them) are traced through an\n"
    "interposer preloaded with the probe provider, and its libthrace calls by\n"
    "libthrace itself.\n"
    "Uses the lttng-sessiond that answers, or starts one and stops it afterwards.\n"
    "\n"
    "With --live, the session streams to the lttng-relayd at URL and `thrace daemon`,\n"
    "reading it live, stores it: nothing is stored here. PROG starts once a live\n"
    "reader is attached to the session (the daemon attaches within a second), so\n"
    "that the reader sees its every event; the summary names the session.\n"
    "\n"
    "  -o, --output FILE.db  the database to store into (default thrace.db)\n"
    "  --append              store beside what FILE.db holds (two runs in one\n"
    "                        database) instead of keeping it as FILE.db.old\n"
    "  --keep-trace DIR      keep the CTF trace in DIR (new, or empty), for babeltrace2\n"
    "                        or Trace Compass; by default it is removed once stored\n"
    "  --live                stream the trace live to a relay daemon\n"
    "  --relayd URL          with --live, the relay daemon: net://HOST[:PORT], its live\n"
    "                        port (default net://127.0.0.1:5344; control and data on\n"
    "                        the two ports below it)\n"
    "  --live-wait SECONDS   with --live, how long to wait for a live reader (default\n"
    "                        10) before giving up without running PROG\n"
    "  --blocking            lose no event: PROG waits when the buffers are full\n"
    "  --no-interpose        trace PROG's libthrace calls only, not its pthread calls\n"
    "  --deadlock-timeout SECONDS\n"
    "                        when every non-daemon thread of PROG has been blocked\n"
    "                        (on a lock, condition, semaphore, event, barrier or join)\n"
    "                        that long, end PROG, store the trace, print the deadlock\n"
    "                        report (thrace deadlocks) and exit with status 124; with\n"
    "                        --live, end PROG and exit 124: the daemon reports\n"
    "  -h, --help            this help\n"
    "\n"
    "PROG and the processes it starts (fork, posix_spawn, system, a script's\n"
    "commands) are recorded, each as a process of its own, until PROG ends; other\n"
    "traced programs running meanwhile are not.\n"
    "\n"
    "PROG is searched in PATH and keeps the terminal: Ctrl-C ends it, and what was\n"
    "recorded is still stored, and the deadlock report printed; SIGINT, SIGQUIT,\n"
    "SIGTERM and SIGHUP sent to thrace record are passed on to PROG. The exit\n"
    "status is PROG's (128+N when signal N ended it), 127 when PROG is not found,\n"
    "1 when recording or storing failed (with --live: no relay daemon answered,\n"
    "no reader attached in time, or nothing of PROG's was traced). With --live,\n"
    "a relay daemon that goes away while PROG runs cuts the stream there: one\n"
    "line says so within a second, and the exit status is still PROG's.\n"
    "\n"
    "Not seen: what does not go through pthreads (std::atomic::wait, std::barrier,\n"
    "raw futexes); a statically linked or set-user-ID PROG (nothing is preloaded).\n"
    "\n"
    "THRACE_PROBE names the probe provider to preload (default: libthrace-tp.so\n"
    "beside the thrace program, else in its ../lib); the interposer,\n"
    "libthrace-pthread.so, is taken from beside it.\n";

/* The options that make a live recording: --live's own, valid only with
 * it, and no database. relayd_url is NULL when not given. */
static int record_check_live(record_options *o, const char *relayd_url, bool waits)
{
    failure why;
    if (!o->live && (relayd_url || waits))
        return cli_usage_error("record", "%s goes with --live",
                               relayd_url ? "--relayd" : "--live-wait");
    if (!o->live)
        return CLI_OK;
    if (o->db_path || o->append || o->keep_trace)
        return cli_usage_error("record", "%s: with --live, thrace daemon stores the trace",
                               o->db_path  ? "-o"
                               : o->append ? "--append"
                                           : "--keep-trace");
    if (!relayd_parse(&o->relayd, relayd_url, &why))
        return cli_usage_error("record", "--relayd: %s", why.text);
    return CLI_OK;
}

int record_main(int argc, char **argv)
{
    record_options o = {.live_wait = -1};
    const char *relayd_url = NULL;
    const cli_option options[] = {
        CLI_OPTION("output", 'o', CLI_TEXT, &o.db_path),
        CLI_OPTION("append", 0, CLI_FLAG, &o.append),
        CLI_OPTION("keep-trace", 0, CLI_TEXT, &o.keep_trace),
        CLI_OPTION("blocking", 0, CLI_FLAG, &o.blocking),
        CLI_OPTION("no-interpose", 0, CLI_FLAG, &o.no_interpose),
        CLI_SECONDS_OPTION("deadlock-timeout", &o.deadlock_timeout, 0, RECORD_MAX_SECONDS),
        CLI_OPTION("live", 0, CLI_FLAG, &o.live),
        CLI_OPTION("relayd", 0, CLI_TEXT, &relayd_url),
        CLI_SECONDS_OPTION("live-wait", &o.live_wait, 0, RECORD_MAX_SECONDS),
        CLI_END,
    };
    const cli_spec spec = {.command = "record",
                           .usage = usage,
                           .options = options,
                           .min_operands = 1,
                           .max_operands = -1,
                           .too_few = "expected a program to run: thrace record -- PROG",
                           .operands_end_options = true};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    status = record_check_live(&o, relayd_url, o.live_wait >= 0);
    if (status != CLI_OK)
        return status;
    if (o.live_wait < 0)
        o.live_wait = RECORD_LIVE_WAIT;
    if (!o.live && !o.db_path)
        o.db_path = "thrace.db";
    if (!o.live && !*o.db_path)
        return cli_usage_error("record", "the database file name is empty");
    if (o.keep_trace && !*o.keep_trace)
        return cli_usage_error("record", "--keep-trace: the directory name is empty");
    o.prog = argv + first;
    return record_run(&o);
}
