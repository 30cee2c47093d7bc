/*
 * test_exit.c - Python's interpreter exit: exit (what returning from main
 * calls) first joins every started non-daemon thread, including threads
 * those threads start while exit waits, then abandons the daemon threads.
 *
 * Each case forks a grandchild that plays the program: its threads write
 * lines to a pipe (stdout of the grandchild) and its main calls exit; the
 * case reads the pipe to EOF and checks the lines and the exit status. The
 * grandchild has an alarm, so a hang fails the case instead of the suite.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
/* TSan sleeps a second at exit while threads run, letting daemons go on. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "atexit_sleep_ms=0";
}
#endif

typedef struct {
    char out[1024];
    int status;
    double seconds; /* from fork to the grandchild's end */
} outcome;

/* Writes one whole line to the grandchild's stdout. */
static void say(const char *line)
{
    size_t n = strlen(line);
    if (write(STDOUT_FILENO, line, n) != (ssize_t)n)
        _exit(90);
}

/* Runs program in a grandchild whose stdout is a pipe; never returns there. */
static outcome run_program(void (*program)(void))
{
    outcome o = {.status = -1};
    int fds[2];
    ASSERT_EQ(0, pipe(fds));
    fflush(stdout);
    double t0 = harness_now();
    pid_t pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        alarm(10);
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        program();
        _exit(91); /* programs end with exit */
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], o.out + len, sizeof o.out - 1 - len)) > 0)
        len += (size_t)n;
    o.out[len] = '\0';
    close(fds[0]);
    ASSERT_EQ(pid, waitpid(pid, &o.status, 0));
    o.seconds = harness_now() - t0;
    return o;
}

static void assert_exited(int code, const outcome *o)
{
    if (!WIFEXITED(o->status))
        harness_fail(__FILE__, __LINE__, "grandchild did not exit (status 0x%x), output:\n%s",
                     o->status, o->out);
    ASSERT_EQ(code, WEXITSTATUS(o->status));
}

static thrace_thread *spawn(void (*fn)(void *), void *arg, int daemon)
{
    thrace_thread *t = thrace_thread_new(fn, arg, &(thrace_thread_opts){NULL, daemon});
    if (!t || thrace_thread_start(t) != THRACE_OK)
        _exit(92);
    return t;
}

/* ------------------------------------------------------------------------ */

static thrace_event release_at_exit;

/* Registered after the first start, so it runs before exit joins threads. */
static void open_gate_at_exit(void)
{
    say("exit began\n");
    thrace_event_set(&release_at_exit);
}

static void worker_after_gate(void *arg)
{
    thrace_event_wait(&release_at_exit, THRACE_FOREVER);
    thrace_sleep(0.1); /* still busy when a non-joining exit would end the process */
    char line[32];
    snprintf(line, sizeof line, "worker %ld\n", (long)(intptr_t)arg);
    say(line);
}

static void program_three_workers(void)
{
    thrace_event_init(&release_at_exit);
    for (long i = 1; i <= 3; i++)
        thrace_thread_unref(spawn(worker_after_gate, (void *)(intptr_t)i, THRACE_NOT_DAEMON));
    atexit(open_gate_at_exit);
    exit(0);
}

TEST(exit_joins_every_started_non_daemon_thread)
{
    outcome o = run_program(program_three_workers);
    assert_exited(0, &o);
    ASSERT_TRUE(strncmp(o.out, "exit began\n", 11) == 0);
    ASSERT_TRUE(strstr(o.out, "worker 1\n") != NULL);
    ASSERT_TRUE(strstr(o.out, "worker 2\n") != NULL);
    ASSERT_TRUE(strstr(o.out, "worker 3\n") != NULL);
    ASSERT_EQ(11 + 3 * 9, strlen(o.out));
}

/* ------------------------------------------------------------------------ */

static void last_of_chain(void *arg)
{
    (void)arg;
    thrace_sleep(0.1);
    say("grandchild thread\n");
}

static void middle_of_chain(void *arg)
{
    (void)arg;
    thrace_thread_unref(spawn(last_of_chain, NULL, THRACE_INHERIT));
    say("child thread\n");
}

static void first_of_chain(void *arg)
{
    (void)arg;
    /* blocks until exit has begun, then starts more threads */
    if (thrace_thread_join(thrace_main_thread(), THRACE_FOREVER) != THRACE_OK)
        _exit(93);
    thrace_thread_unref(spawn(middle_of_chain, NULL, THRACE_INHERIT));
    say("first thread\n");
}

static void program_chain(void)
{
    thrace_thread_unref(spawn(first_of_chain, NULL, THRACE_NOT_DAEMON));
    exit(0);
}

TEST(exit_joins_threads_started_by_threads_while_it_waits)
{
    outcome o = run_program(program_chain);
    assert_exited(0, &o);
    ASSERT_TRUE(strstr(o.out, "first thread\n") != NULL);
    ASSERT_TRUE(strstr(o.out, "child thread\n") != NULL);
    ASSERT_TRUE(strstr(o.out, "grandchild thread\n") != NULL);
}

/* ------------------------------------------------------------------------ */

static thrace_event never;

static void daemon_blocked_forever(void *arg)
{
    (void)arg;
    thrace_event_wait(&never, THRACE_FOREVER);
    say("blocked daemon ran on\n");
}

static void daemon_after_delay(void *arg)
{
    (void)arg;
    thrace_sleep(1.0);
    say("sleeping daemon woke\n");
}

static void program_daemons(void)
{
    thrace_event_init(&never);
    thrace_thread_unref(spawn(daemon_blocked_forever, NULL, THRACE_DAEMON));
    thrace_thread_unref(spawn(daemon_after_delay, NULL, THRACE_DAEMON));
    say("main exits\n");
    exit(0);
}

TEST(daemon_threads_are_abandoned_at_exit)
{
    outcome o = run_program(program_daemons);
    assert_exited(0, &o);
    ASSERT_STR_EQ("main exits\n", o.out);
    ASSERT_TRUE(o.seconds < 0.6); /* well before the sleeping daemon would print */
}

/* ------------------------------------------------------------------------ */

static void non_daemon_waits_for_main(void *arg)
{
    (void)arg;
    if (thrace_thread_join(thrace_main_thread(), THRACE_FOREVER) != THRACE_OK)
        _exit(94);
    thrace_sleep(0.1);
    say("non-daemon done\n");
}

static void program_mixed(void)
{
    thrace_event_init(&never);
    thrace_thread_unref(spawn(daemon_blocked_forever, NULL, THRACE_DAEMON));
    thrace_thread_unref(spawn(non_daemon_waits_for_main, NULL, THRACE_NOT_DAEMON));
    say("main exits\n");
    exit(7);
}

TEST(a_non_daemon_thread_blocked_until_main_exits_still_completes_its_output)
{
    outcome o = run_program(program_mixed);
    assert_exited(7, &o); /* the status given to exit is kept */
    ASSERT_STR_EQ("main exits\nnon-daemon done\n", o.out);
}

/* ------------------------------------------------------------------------ */

static thrace_event main_done_gate;

static void daemon_then_non_daemon(void *arg)
{
    (void)arg;
    /* made by a daemon thread with NOT_DAEMON: exit must wait for it */
    thrace_thread_unref(spawn(non_daemon_waits_for_main, NULL, THRACE_NOT_DAEMON));
    thrace_event_set(&main_done_gate);
    thrace_event_wait(&never, THRACE_FOREVER);
}

static void program_non_daemon_from_daemon(void)
{
    thrace_event_init(&never);
    thrace_event_init(&main_done_gate);
    thrace_thread_unref(spawn(daemon_then_non_daemon, NULL, THRACE_DAEMON));
    thrace_event_wait(&main_done_gate, THRACE_FOREVER);
    say("main exits\n");
    exit(0);
}

TEST(exit_joins_a_non_daemon_thread_started_by_a_daemon_thread)
{
    outcome o = run_program(program_non_daemon_from_daemon);
    assert_exited(0, &o);
    ASSERT_STR_EQ("main exits\nnon-daemon done\n", o.out);
}

/* ------------------------------------------------------------------------ */

static void program_finished_threads(void)
{
    for (int i = 0; i < 4; i++) {
        thrace_thread *t = spawn(NULL, NULL, THRACE_NOT_DAEMON);
        if (thrace_thread_join(t, THRACE_FOREVER) != THRACE_OK)
            _exit(95);
        thrace_thread_unref(t);
    }
    say("main exits\n");
    exit(0);
}

TEST(exit_after_every_thread_was_joined_returns_promptly)
{
    outcome o = run_program(program_finished_threads);
    assert_exited(0, &o);
    ASSERT_STR_EQ("main exits\n", o.out);
    ASSERT_TRUE(o.seconds < 2.0);
}

/* ------------------------------------------------------------------------ */

static void program_unstarted(void)
{
    thrace_event_init(&never);
    thrace_thread *started = spawn(NULL, NULL, THRACE_NOT_DAEMON);
    thrace_thread *unstarted = thrace_thread_new(daemon_blocked_forever, NULL, NULL);
    thrace_thread_unref(started);
    thrace_thread_unref(unstarted);
    say("main exits\n");
    exit(0);
}

TEST(exit_does_not_wait_for_threads_that_were_never_started)
{
    outcome o = run_program(program_unstarted);
    assert_exited(0, &o);
    ASSERT_STR_EQ("main exits\n", o.out);
}
