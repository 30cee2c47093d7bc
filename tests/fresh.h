/*
 * fresh.h - a test case run again in a fresh process of its own program,
 * with variables libthrace reads once as it loads (THRACE_DEADLOCK,
 * THRACE_STALL_TIMEOUT, THRACE_STALL_FD) set, in the harness's in-process
 * mode (harness.h): the forked case waits for that process and asserts it
 * passed. A watched case hands the fresh process the write end of a pipe
 * and reads what the stall watchdog wrote there.
 */
#ifndef THRACE_TESTS_FRESH_H
#define THRACE_TESTS_FRESH_H

#include "harness.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

static inline bool in_process(void)
{
    const char *v = getenv("THRACE_TEST_IN_PROCESS");
    return v && strcmp(v, "1") == 0;
}

/* Starts case `name` in process in a fresh process of this program, with
 * the variables of env ("NAME=VALUE", NULL-terminated) and only those of
 * libthrace's; fd stays open there (-1: none). */
static inline pid_t start_fresh(const char *name, char *const *env, int fd)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid > 0)
        return pid;
    unsetenv("THRACE_DEADLOCK");
    unsetenv("THRACE_STALL_TIMEOUT");
    unsetenv("THRACE_STALL_FD");
    setenv("THRACE_TEST_IN_PROCESS", "1", 1);
    for (; *env; env++)
        putenv(*env);
    if (fd >= 0)
        fcntl(fd, F_SETFD, 0);
    execl("/proc/self/exe", "thrace-fresh-test", name, (char *)NULL);
    _exit(127);
}

static inline void expect_passed(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        continue;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        harness_fail(__FILE__, __LINE__, "the fresh process failed (status 0x%x)", status);
}

/* Runs the rest of the case in a fresh process whose environment holds var
 * (NULL: none of libthrace's). */
#define IN_FRESH_PROCESS(var)                                                                      \
    do {                                                                                           \
        if (!in_process()) {                                                                       \
            char *env_[] = {(var), NULL};                                                          \
            expect_passed(start_fresh(__func__, env_, -1));                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Reads fd to its end (the fresh process's exit); the text, NUL-ended. */
static inline void read_to_end(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) != 0) {
        ASSERT_TRUE(n > 0);
        len += (size_t)n;
    }
    buf[len] = '\0';
}

/* Runs the case in a fresh process watched with a 0.2 s stall timeout;
 * asserts what the watchdog wrote: one stall line, or nothing. */
static inline void run_watched(const char *name, bool stall_expected)
{
    int fds[2];
    ASSERT_EQ(0, pipe(fds));
    for (int i = 0; i < 2; i++)
        ASSERT_EQ(0, fcntl(fds[i], F_SETFD, FD_CLOEXEC));
    char timeout[] = "THRACE_STALL_TIMEOUT=0.2", fd[32], said[256], expected[64] = "";
    snprintf(fd, sizeof fd, "THRACE_STALL_FD=%d", fds[1]);
    char *env[] = {timeout, fd, NULL};
    pid_t pid = start_fresh(name, env, fds[1]);
    close(fds[1]);
    read_to_end(fds[0], said, sizeof said);
    close(fds[0]);
    expect_passed(pid);
    if (stall_expected)
        snprintf(expected, sizeof expected, "stall %ld\n", (long)pid);
    ASSERT_STR_EQ(expected, said);
}

#define WATCHED_IN_FRESH_PROCESS(stall_expected)                                                   \
    do {                                                                                           \
        if (!in_process()) {                                                                       \
            run_watched(__func__, (stall_expected));                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif
