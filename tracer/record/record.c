/*
 * record.c - `thrace record [-o FILE.db | --live [--relayd URL]] [--blocking]
 * [--] PROG [ARGS...]`: runs PROG with the probe provider preloaded under a
 * fresh LTTng session (session.c) on a session daemon that answers or that
 * we start (sessiond.c), then stores the trace with ingest_paths and prints
 * a summary. The exit status is PROG's (128+N when signal N ended it).
 *
 * With --live the session streams to an lttng-relayd that must answer
 * (relayd.c) and `thrace daemon` stores it: nothing is stored here. A live
 * reader sees a session's packets from about the newest on, so PROG starts
 * only once a reader is attached (livelist.c), and then it sees them all.
 * While PROG runs, the relay daemon is looked at every second: when it goes
 * away, one line says the stream is cut there. Once PROG has ended, its list
 * says whether the session got a stream (else nothing was traced) and is
 * still there (else the stream was cut); PROG's status stands either way.
 *
 * PROG is forked and held at a gate until the session tracks its pid, so
 * the trace holds PROG's process alone (LTTng would record every traced
 * process running meanwhile, such as another recording's).
 *
 * PROG keeps our stdin, stdout, stderr and process group, so a Ctrl-C
 * reaches it. Signals, by phase: while setting up, SIGINT, SIGQUIT, SIGTERM
 * or SIGHUP is remembered and PROG is not started; while PROG runs and the
 * session ends, each is passed on to PROG (as perf record and strace do),
 * except a SIGINT or SIGQUIT the terminal sent, which reached PROG's
 * process group already (a kill(1) to the group reaches PROG twice); while
 * storing, one ends us after saying where the trace is kept. A signal
 * ignored when we started stays ignored, for PROG too.
 *
 * With --deadlock-timeout, libthrace in PROG says when every non-daemon
 * thread has been blocked that long (stall.c); PROG is then killed, its
 * trace stored, and the deadlock report (deadlocks.c) printed, as it is
 * when a Ctrl-C ends PROG.
 *
 * The database is opened before PROG runs (a bad -o fails at once) and
 * removed again if we created it and stored nothing (PROG not found, no
 * trace written, storing failed). An existing one is kept as FILE.old
 * (keepold.h) unless --append, only once there is a trace to store in its
 * place: the file stored into is then one we create. The temporary trace
 * directory is removed once stored or found empty, kept and named
 * otherwise; --keep-trace DIR records into DIR instead, never removed.
 * Once stored, the trace is reviewed (review.h): its path forgotten with
 * its directory, and a line when `thrace deadlocks` would find something.
 */
#include "record.h"

#include "await.h"
#include "explain.h"
#include "forks.h"
#include "ingest.h"
#include "keepold.h"
#include "preload.h"
#include "review.h"
#include "session.h"
#include "sessiond.h"
#include "stall.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    record_options opt;
    preload preload;
    bool db_checked; /* opened (created if needed) before PROG ran */
    bool db_existed;
    bool keep_old; /* db_path existed: kept as .old once there is a trace to store */
    sessiond daemon;
    session session;
    char dir[PATH_MAX]; /* the session's output, "" until made */
    bool dir_made;      /* --keep-trace: the directory did not exist before */
    pid_t pid;          /* PROG's, once started */
    stall_watch stall;
    forks forks;       /* the processes PROG starts, tracked on request */
    bool stalled;      /* PROG was ended for --deadlock-timeout */
    double started_at; /* PROG's start, on record_now's clock */
    bool cut_said;     /* --live: the relay daemon went away, and that was said */
    failure why;       /* why setting up, running or storing failed */
} recording;

enum { RECORD_SETUP, RECORD_RUNNING, RECORD_STORING };

/* --live: how often to look for a reader, and then whether the relay daemon is still there (ms). */
enum { RECORD_LIVE_POLL_MS = 100, RECORD_LIVE_WATCH_MS = 1000 };

static volatile sig_atomic_t record_phase = RECORD_SETUP;
static volatile sig_atomic_t record_caught; /* the first signal before PROG's pid is known */
static volatile sig_atomic_t record_child;  /* PROG's pid while it runs */
static char record_kept[PATH_MAX + 64];     /* said when a signal ends the storing */
static volatile sig_atomic_t record_kept_len;

static const int record_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};

/* Says `thrace record: OBJECT: reason` (no OBJECT when NULL) on stderr. */
static void record_error(const char *object, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void record_error(const char *object, const char *fmt, ...)
{
    failure said; /* escaped as failures are: one line, whatever PROG's path holds */
    va_list ap;
    va_start(ap, fmt);
    failure_vobject(&said, object, fmt, ap);
    va_end(ap);
    fprintf(stderr, "thrace record: %s\n", said.text);
}

/* Whether PROG would not get sig unless we pass it on: a Ctrl-C or Ctrl-\
 * (SI_KERNEL) went to the terminal's foreground group, PROG included. */
static bool record_pass_on(int sig, const siginfo_t *info)
{
    return sig == SIGTERM || sig == SIGHUP || info->si_code != SI_KERNEL;
}

static void record_on_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (record_phase == RECORD_SETUP && !record_caught) {
        record_caught = sig;
    } else if (record_phase == RECORD_RUNNING && record_pass_on(sig, info)) {
        if (record_child > 0)
            kill(record_child, sig);
        else if (!record_caught) /* PROG is being started: passed on once it is */
            record_caught = sig;
    } else if (record_phase == RECORD_STORING) {
        ssize_t said = write(STDERR_FILENO, record_kept, (size_t)record_kept_len);
        (void)said; /* a stderr gone is no reason to stay */
        signal(sig, SIG_DFL);
        raise(sig); /* delivered once we return: we end by that signal */
    }
}

static void record_catch_signals(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = record_on_signal;
    sa.sa_flags = SA_RESTART | SA_SIGINFO; /* who sent it: record_pass_on */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof record_signals / sizeof record_signals[0]; i++)
        if (sigaction(record_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(record_signals[i], &sa, NULL);
}

/* Opens the database, creating it if needed, and closes it again: a bad
 * -o fails before PROG runs; the ingest opens its own (ingest.h). */
static bool record_open_db(recording *r)
{
    r->db_existed = access(r->opt.db_path, F_OK) == 0;
    sqlite3 *db = db_open(r->opt.db_path, true, &r->why);
    r->db_checked = db != NULL;
    db_close(db);
    r->keep_old = r->db_checked && r->db_existed && !r->opt.append;
    return r->db_checked && (!r->keep_old || keepold_check(r->opt.db_path, &r->why));
}

/* Keeps the existing database as .old: the recording then creates its own. */
static bool record_keep_old(recording *r)
{
    char old[PATH_MAX + 8];
    if (!keepold_move(r->opt.db_path, old, sizeof old, &r->why))
        return false;
    r->db_existed = false;
    fprintf(stderr, "thrace record: the previous %s is kept as %s\n", r->opt.db_path, old);
    return true;
}

/* Done with the database: removes it if we created it and stored nothing. */
static void record_close_db(recording *r, bool stored)
{
    if (!r->db_checked)
        return;
    r->db_checked = false;
    if (!stored && !r->db_existed)
        unlink(r->opt.db_path);
}

static bool record_dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    bool empty = d != NULL;
    while (empty && (e = readdir(d)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    if (d)
        closedir(d);
    return empty;
}

/* --keep-trace DIR: made, or empty (one trace per directory, as LTTng's own). */
static bool record_make_kept_dir(recording *r)
{
    const char *dir = r->opt.keep_trace;
    r->dir_made = mkdir(dir, 0777) == 0;
    if (!r->dir_made && errno != EEXIST)
        return failure_object(&r->why, dir, "%s", strerror(errno));
    if (!r->dir_made && !record_dir_is_empty(dir))
        return failure_object(&r->why, dir,
                              "not an empty directory (a trace is kept in a new one)");
    /* LTTng wants an absolute path. */
    if (realpath(dir, r->dir))
        return true;
    failure_object(&r->why, dir, "%s", strerror(errno));
    if (r->dir_made)
        rmdir(dir);
    return false;
}

static bool record_make_dir(recording *r)
{
    if (r->opt.keep_trace)
        return record_make_kept_dir(r);
    const char *tmp = getenv("TMPDIR");
    char made[PATH_MAX];
    snprintf(made, sizeof made, "%s/thrace-record-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(made))
        return failure_object(&r->why, made, "%s", strerror(errno));
    /* LTTng wants an absolute path. */
    if (realpath(made, r->dir))
        return true;
    failure_object(&r->why, made, "%s", strerror(errno));
    rmdir(made);
    return false;
}

static int record_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void record_remove_dir(recording *r)
{
    if (r->dir[0] && !r->opt.keep_trace)
        nftw(r->dir, record_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    else if (r->dir[0] && r->dir_made)
        rmdir(r->dir); /* --keep-trace: only one we made, and only when nothing filled it */
    r->dir[0] = '\0';
}

static int record_find_metadata(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    return flag == FTW_F && strcmp(path + ftw->base, "metadata") == 0;
}

/*
 * Whether LTTng wrote a trace at all: it writes none when PROG did not load
 * the probe (a static or setuid program) or died before registering.
 */
static bool record_has_trace(const recording *r)
{
    return nftw(r->dir, record_find_metadata, 16, FTW_PHYS) == 1;
}

/* Stops the daemon if we started it; says so when it must stay. */
static void record_stop_daemon(recording *r)
{
    failure why;
    if (!sessiond_stop(&r->daemon, &why))
        record_error(NULL, "%s", why.text);
}

/* --live: the relay daemon must answer already; starting one is `thrace daemon`'s business. */
static bool record_relayd_answers(recording *r)
{
    if (relayd_answers(&r->opt.relayd))
        return true;
    return failure_object(&r->why, r->opt.relayd.url,
                          "no lttng-relayd answers: is `thrace daemon` running?");
}

static bool record_create_session(recording *r)
{
    char control[320];
    bool here = sessiond_is_here(&r->daemon);
    if (!r->opt.live)
        return record_make_dir(r) &&
               session_create(&r->session, r->dir, r->opt.blocking, here, &r->why);
    relayd_control_url(&r->opt.relayd, control, sizeof control);
    return session_create_live(&r->session, control, r->opt.blocking, here, &r->why);
}

/* Seconds on the monotonic clock. */
static double record_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Whether a live reader is attached to our session: 1 yes, 0 not yet, -1
 * when the relay daemon cannot say (r->why). Says once where the session
 * can be read, when the relay daemon first lists it.
 */
static int record_reader_attached(recording *r, bool *announced)
{
    livelist_session *list;
    size_t n;
    if (!livelist_query(r->opt.relayd.url, &list, &n, &r->why))
        return -1;
    const livelist_session *s = livelist_find(list, n, r->session.name);
    if (s && !*announced)
        fprintf(stderr, "thrace record: waiting for a live reader of %s\n", s->url);
    *announced = *announced || s;
    int attached = s && s->clients > 0;
    livelist_free(list);
    return attached;
}

/*
 * --live: holds PROG back until a live reader is attached, --live-wait
 * seconds at most (then false with r->why); true at once on a signal,
 * which the caller reports.
 */
static bool record_await_reader(recording *r)
{
    struct timespec nap = {0, RECORD_LIVE_POLL_MS * 1000000L};
    bool announced = false;
    double deadline = record_now() + r->opt.live_wait;
    while (!record_caught) {
        int attached = record_reader_attached(r, &announced);
        if (attached)
            return attached > 0;
        if (record_now() >= deadline) {
            failure_set(&r->why,
                        "no live reader attached to session %s on %s within %g s:"
                        " is `thrace daemon` running?",
                        r->session.name, r->opt.relayd.url, r->opt.live_wait);
            return false;
        }
        nanosleep(&nap, NULL);
    }
    return true;
}

/*
 * Whether to preload the pthread interposer: not when told, nor into a
 * program that carries libthrace (libthrace.a): the interposer would load
 * libthrace.so beside it, a second runtime tracing the first one's locks.
 */
static bool record_interposes(const recording *r)
{
    if (r->opt.no_interpose)
        return false;
    if (!explain_carries_libthrace(r->opt.prog[0]))
        return true;
    record_error(r->opt.prog[0], "linked with libthrace.a: its thrace calls are traced, its "
                                 "other pthread calls are not (link libthrace.so to trace both)");
    return false;
}

static bool record_set_up(recording *r)
{
    if (!preload_find(&r->preload, record_interposes(r), &r->why))
        return false;
    if (r->opt.live ? !record_relayd_answers(r) : !record_open_db(r))
        return false;
    return sessiond_use(&r->daemon, &r->why) && record_create_session(r) &&
           session_start(&r->session, &r->why) && (!r->opt.live || record_await_reader(r));
}

/* Says r->why and undoes whatever was set up; returns status. */
static int record_give_up(recording *r, int status)
{
    failure ignored; /* r->why is the failure to tell */
    record_error(NULL, "%s", r->why.text);
    session_destroy(&r->session, &ignored);
    record_remove_dir(r);
    record_stop_daemon(r);
    record_close_db(r, false);
    stall_watch_close(&r->stall);
    forks_close(&r->forks);
    return status;
}

/* How long LTTng-UST holds a starting process (PROG, a child it forks, a
 * program it runs) until the session daemon has set up its tracing (ms):
 * LTTng's default, 3 s, lets a process run untraced, and lose its first
 * events uncounted, on a machine busy enough. A value PROG's environment
 * gives is kept. */
static const char record_register_timeout_ms[] = "30000";

/* Preloads the probe and the interposer, lets LTTng block PROG if asked,
 * and gives LTTng-UST time to register each process. */
static bool record_set_environment(recording *r)
{
    if (!preload_set(&r->preload, &r->why))
        return false;
    if (setenv("LTTNG_UST_REGISTER_TIMEOUT", record_register_timeout_ms, 0) != 0)
        return failure_set(&r->why, "%s", strerror(errno));
    if (r->opt.blocking && setenv("LTTNG_UST_ALLOW_BLOCKING", "1", 1) != 0)
        return failure_set(&r->why, "%s", strerror(errno));
    return true;
}

static int record_wait(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return RECORD_FAILED;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/*
 * In the child: waits for the gate to open (the session then records this
 * process), then becomes PROG; reports exec's errno through `report`.
 */
static void record_exec_child(char **prog, int gate, int report, const stall_watch *stall)
{
    char go;
    if (read(gate, &go, 1) != 1)
        _exit(RECORD_FAILED); /* the parent gave up */
    stall_watch_inherit(stall);
    forks_prog_pid();
    execvp(prog[0], prog);
    int e = errno;
    ssize_t said = write(report, &e, sizeof e);
    (void)said;
    _exit(e == ENOENT ? 127 : 126);
}

/* Tells why PROG could not start (errno e); its status, 127 or 126. */
static int record_exec_failed(recording *r, int e)
{
    char **prog = r->opt.prog;
    failure_object(&r->why, prog[0], "%s",
                   e == ENOENT && !strchr(prog[0], '/') ? "command not found" : strerror(e));
    return e == ENOENT ? 127 : 126;
}

/*
 * Starts PROG as a child held at a gate until the session tracks its pid
 * (only PROG is recorded, not other traced programs running meanwhile).
 * Returns its pid, or -1 with r->why.
 */
static pid_t record_spawn(recording *r, int *report)
{
    int gate[2], rep[2];
    if (pipe2(gate, O_CLOEXEC) != 0 || pipe2(rep, O_CLOEXEC) != 0) {
        failure_set(&r->why, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
        record_exec_child(r->opt.prog, gate[0], rep[1], &r->stall);
    stall_watch_forked(&r->stall);
    close(gate[0]);
    close(rep[1]);
    bool tracked = pid > 0 && session_track(&r->session, pid, &r->why);
    if (pid < 0)
        failure_set(&r->why, "fork: %s", strerror(errno));
    if (tracked && write(gate[1], "g", 1) != 1)
        tracked = false;
    close(gate[1]); /* an unopened gate ends the child */
    *report = rep[0];
    if (pid > 0 && !tracked) {
        record_wait(pid);
        close(rep[0]);
        return -1;
    }
    return pid;
}

/* --live: what the relay daemon holds of the session. */
typedef enum { RECORD_STREAMED, RECORD_NOTHING, RECORD_CUT } record_live_end;

/*
 * RECORD_STREAMED: the session, with streams; RECORD_NOTHING: the session
 * without a stream (the consumer makes them for the first process traced,
 * so none was); RECORD_CUT: no session, or no relay daemon answering (it
 * went away, or came back without the session). A relay daemon that
 * answers but could not list is not taken for gone.
 */
static record_live_end record_live_outcome(const recording *r)
{
    livelist_session *list;
    size_t n;
    failure ignored; /* whether the relay daemon answers at all is the finding */
    if (!livelist_query(r->opt.relayd.url, &list, &n, &ignored))
        return relayd_answers(&r->opt.relayd) ? RECORD_STREAMED : RECORD_CUT;
    const livelist_session *s = livelist_find(list, n, r->session.name);
    record_live_end end = !s ? RECORD_CUT : s->streams ? RECORD_STREAMED : RECORD_NOTHING;
    livelist_free(list);
    return end;
}

/* Says, once, that the relay daemon is gone and the live trace cut. */
static void record_say_cut(recording *r)
{
    if (r->cut_said)
        return;
    r->cut_said = true;
    record_error(r->opt.relayd.url,
                 "the lttng-relayd is gone %.1f s into %s's run: the live trace of session %s is "
                 "cut there, and what it does after is recorded nowhere",
                 record_now() - r->started_at, r->opt.prog[0], r->session.name);
}

/* await_prog's tick with --live: the moment the relay daemon goes away is said. */
static void record_watch_relayd(void *arg)
{
    recording *r = arg;
    if (!r->cut_said && record_live_outcome(r) == RECORD_CUT)
        record_say_cut(r);
}

/* Runs PROG to its end: its exit status, or 127/126 with r->why when it could not start. */
static int record_run_prog(recording *r, bool *started)
{
    int report;
    *started = false;
    /* Only now: the session daemon we may have started must not preload the probe. */
    if (!record_set_environment(r))
        return RECORD_FAILED;
    if (r->opt.deadlock_timeout > 0 &&
        !stall_watch_open(&r->stall, r->opt.deadlock_timeout, &r->why))
        return RECORD_FAILED;
    if (!forks_open(&r->forks, &r->why))
        return RECORD_FAILED;
    record_phase = RECORD_RUNNING;
    pid_t pid = record_spawn(r, &report);
    if (pid < 0)
        return RECORD_FAILED;
    record_child = pid;
    if (record_caught) /* since record_run looked, or while PROG was being started */
        kill(pid, record_caught);
    r->pid = pid;
    int e;
    bool exec_failed = read(report, &e, sizeof e) == (ssize_t)sizeof e;
    close(report);
    const await_tick watch = {RECORD_LIVE_WATCH_MS, record_watch_relayd, r};
    r->started_at = record_now();
    if (!exec_failed &&
        await_prog(pid, &r->stall, &r->forks, &r->session, r->opt.live ? &watch : NULL) == 1) {
        r->stalled = true;
        fprintf(stderr, "thrace record: every thread of %s has been blocked for %g s: ending it\n",
                r->opt.prog[0], r->opt.deadlock_timeout);
        kill(pid, SIGKILL);
    }
    int status = record_wait(pid);
    record_child = 0;
    forks_close(&r->forks); /* a descendant still running goes on untracked */
    if (exec_failed)
        return record_exec_failed(r, e);
    *started = true;
    return status;
}

/* Stops and destroys the session (the trace is then complete on disk), then the daemon. */
static bool record_end_session(recording *r)
{
    failure destroy_why;
    bool stopped = session_stop(&r->session, &r->why);
    bool destroyed = session_destroy(&r->session, &destroy_why);
    if (stopped && !destroyed)
        r->why = destroy_why;
    record_stop_daemon(r);
    return stopped && destroyed;
}

static const char *record_plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

static void record_summarize(const recording *r, const ingest_summary *s)
{
    double seconds = s->end_ns > s->begin_ns ? (double)(s->end_ns - s->begin_ns) / 1e9 : 0;
    fprintf(stderr,
            "thrace record: %" PRIu64 " event%s, %" PRIu64 " thread%s, %.2f s, %" PRIu64
            " discarded%s -> %s\n",
            s->events, record_plural(s->events), s->threads, record_plural(s->threads), seconds,
            s->discarded, s->discarded && !r->opt.blocking ? " (--blocking loses none)" : "",
            r->opt.db_path);
}

/* Says r->why and where the trace is kept; removes the database if we created it. */
static bool record_store_failed(recording *r)
{
    record_error(NULL, "%s (the trace is kept in %s)", r->why.text, r->dir);
    record_close_db(r, false);
    return false;
}

/*
 * Stores the trace into the database (the previous one kept as .old
 * first); keeps the trace directory and says where if that fails. With
 * `report`, prints the deadlock report after, else a line when there is
 * something to report.
 */
static bool record_store(recording *r, bool report)
{
    ingest_summary summary;
    char *paths[] = {r->dir};
    if (r->keep_old && !record_keep_old(r))
        return record_store_failed(r);
    int n = snprintf(record_kept, sizeof record_kept,
                     "thrace record: interrupted; the trace is kept in %s\n", r->dir);
    record_kept_len = n < (int)sizeof record_kept ? n : (int)sizeof record_kept - 1;
    record_phase = RECORD_STORING;
    bool stored =
        ingest_paths(r->opt.db_path, paths, 1, isatty(STDERR_FILENO) == 1, &summary, &r->why);
    record_kept_len = 0;
    if (!stored)
        return record_store_failed(r);
    if (summary.traces)
        review_stored(r->opt.db_path, r->dir, !r->opt.keep_trace, report);
    if (summary.traces && !summary.events)
        record_error(r->opt.prog[0], "%s", explain_no_event);
    if (r->opt.keep_trace)
        fprintf(stderr, "thrace record: the CTF trace is kept in %s\n", r->dir);
    record_summarize(r, &summary); /* last: scripts read the summary from the last line */
    record_close_db(r, true);
    record_remove_dir(r);
    return true;
}

/* Ends the session and stores what PROG left: PROG's status, or RECORD_FAILED. */
static int record_finish(recording *r, int status)
{
    if (!record_end_session(r)) {
        record_error(NULL, "%s (the trace is kept in %s)", r->why.text, r->dir);
        record_close_db(r, false);
        return RECORD_FAILED;
    }
    if (!record_has_trace(r)) {
        char why[256];
        record_error(r->opt.prog[0], "%s", explain_nothing(r->opt.prog[0], why, sizeof why));
        record_remove_dir(r);
        record_close_db(r, false);
        return status;
    }
    /* A program ended by Ctrl-C or found stalled: why it hung is what its user wants. */
    bool report = r->stalled || status == 128 + SIGINT;
    if (!record_store(r, report))
        return RECORD_FAILED;
    return r->stalled ? RECORD_STALLED : status;
}

/* The session daemon outlived SESSION_CLOSE_PATIENCE_MS closing the session (session.h). */
static void record_say_still_closing(const recording *r)
{
    fprintf(stderr,
            "thrace record: session %s did not close within %d s (LTTng 2.13's lttng-relayd can "
            "hold a live session open until another session it relays ends): its events are all "
            "with the relay daemon, and its trace ends when the session closes\n",
            r->session.name, SESSION_CLOSE_PATIENCE_MS / 1000);
}

/*
 * --live: ends the session, which ends its reader's stream. PROG's status,
 * also when the relay daemon went away (the session is destroyed all the
 * same, its failure to flush the trace left unsaid); RECORD_FAILED when
 * nothing was traced or the session would not end.
 */
static int record_finish_live(recording *r, int status)
{
    record_live_end end = record_live_outcome(r);
    if (!record_end_session(r) && end != RECORD_CUT) {
        record_error(NULL, "%s", r->why.text);
        return RECORD_FAILED;
    }
    if (end == RECORD_NOTHING) {
        char why[256];
        record_error(r->opt.prog[0], "%s", explain_nothing(r->opt.prog[0], why, sizeof why));
        return RECORD_FAILED;
    }
    if (end == RECORD_CUT)
        record_say_cut(r); /* unless said while PROG ran */
    else
        fprintf(stderr, "thrace record: %s (pid %d) streamed live as session %s on %s%s\n",
                r->opt.prog[0], (int)r->pid, r->session.name, r->opt.relayd.url,
                r->stalled ? "; thrace daemon reports the deadlock" : "");
    if (r->session.still_closing)
        record_say_still_closing(r);
    return r->stalled ? RECORD_STALLED : status;
}

int record_run(const record_options *options)
{
    static recording r;
    r.opt = *options;
    r.stall = STALL_NONE;
    r.forks = FORKS_NONE;
    record_catch_signals();
    if (!record_set_up(&r))
        return record_give_up(&r, RECORD_FAILED);
    if (record_caught) {
        failure_set(&r.why, "interrupted before %s started", r.opt.prog[0]);
        return record_give_up(&r, 128 + record_caught);
    }
    bool started;
    int status = record_run_prog(&r, &started);
    if (!started)
        return record_give_up(&r, status);
    return r.opt.live ? record_finish_live(&r, status) : record_finish(&r, status);
}
