/*
 * harness.c - runs every registered TEST in a forked child with an alarm
 * (see harness.h). The parent starts no thread, so forking is safe.
 */
#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CASES = 512 };

typedef struct {
    const char *name;
    void (*fn)(void);
    int line;
} test_case;

static test_case cases[MAX_CASES];
static size_t case_count;
static int saved_stderr = -1;
static FILE *capture_file;

void harness_register(const char *name, void (*fn)(void), int line)
{
    if (case_count == MAX_CASES) {
        fprintf(stderr, "harness: more than %d cases\n", MAX_CASES);
        exit(2);
    }
    cases[case_count++] = (test_case){name, fn, line};
}

void harness_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "# %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    _exit(1); /* skip exit-time joins: threads of a failed case may be stuck */
}

double harness_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void harness_capture_begin(void)
{
    fflush(stderr);
    capture_file = tmpfile();
    saved_stderr = dup(STDERR_FILENO);
    if (!capture_file || saved_stderr < 0 || dup2(fileno(capture_file), STDERR_FILENO) < 0) {
        perror("harness: capture");
        _exit(2);
    }
}

char *harness_capture_end(void)
{
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    long size = ftell(capture_file);
    if (size < 0)
        size = lseek(fileno(capture_file), 0, SEEK_END);
    char *text = calloc(1, (size_t)size + 1);
    rewind(capture_file);
    if (!text || fread(text, 1, (size_t)size, capture_file) != (size_t)size) {
        perror("harness: capture read");
        _exit(2);
    }
    fclose(capture_file);
    return text;
}

static int by_line(const void *a, const void *b)
{
    return ((const test_case *)a)->line - ((const test_case *)b)->line;
}

static unsigned case_timeout(void)
{
    const char *env = getenv("THRACE_TEST_TIMEOUT");
    int seconds = env ? atoi(env) : 30;
    return seconds > 0 ? (unsigned)seconds : 30;
}

/* Runs one case in a child; returns whether it passed, explaining why not. */
static bool run_case(const test_case *c, char *why, size_t size)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, size, "fork failed");
        return false;
    }
    if (pid == 0) {
        alarm(case_timeout());
        c->fn();
        exit(0); /* as a program would: joins its non-daemon threads */
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        continue;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(why, size, "timed out after %u s", case_timeout());
    else if (WIFSIGNALED(status))
        snprintf(why, size, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(why, size, "exit status %d", WEXITSTATUS(status));
    return false;
}

/* Runs the case named `name` in this very process; exits. */
static void run_in_process(const char *name)
{
    for (size_t i = 0; i < case_count; i++) {
        if (strcmp(cases[i].name, name) == 0) {
            alarm(case_timeout());
            cases[i].fn();
            exit(0);
        }
    }
    fprintf(stderr, "no case named %s\n", name);
    exit(2);
}

int main(int argc, char **argv)
{
    qsort(cases, case_count, sizeof cases[0], by_line);
    const char *in_process = getenv("THRACE_TEST_IN_PROCESS");
    if (argc > 1 && in_process && strcmp(in_process, "1") == 0)
        run_in_process(argv[1]);
    int passed = 0, failed = 0, number = 0;
    for (size_t i = 0; i < case_count; i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
            continue;
        char why[256] = "";
        number++;
        if (run_case(&cases[i], why, sizeof why)) {
            printf("ok %d - %s\n", number, cases[i].name);
            passed++;
        } else {
            printf("not ok %d - %s # %s\n", number, cases[i].name, why);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    if (argc > 1 && number == 0) {
        fprintf(stderr, "no case named %s\n", argv[1]);
        return 2;
    }
    return failed ? 1 : 0;
}
