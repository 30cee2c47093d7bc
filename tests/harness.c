/*
 * harness.c - runs every registered TEST in a forked child with an alarm
 * and reports in TAP (see harness.h). The parent starts no thread, so
 * forking is safe. A child that skips says why in a page shared with the
 * parent (mapped before the first fork) and exits HARNESS_SKIP_STATUS; the
 * parent counts a skip only when both agree, so that a case that exits 77
 * on its own is a failure, never a skip or a pass.
 */
#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CASES = 512, REASON_SIZE = 256 };

typedef struct {
    const char *name;
    void (*fn)(void);
    int line;
    size_t order; /* registration order: cases on one line keep it */
} test_case;

typedef enum { CASE_PASSED, CASE_FAILED, CASE_SKIPPED } case_result;

/* What a skipping child leaves for the parent. */
typedef struct {
    bool skipped;
    char reason[REASON_SIZE];
} skip_note;

static test_case cases[MAX_CASES];
static size_t case_count;
static skip_note *shared_note; /* NULL when the case runs in process */
static int saved_stderr = -1;
static FILE *capture_file;

void harness_register(const char *name, void (*fn)(void), int line)
{
    if (case_count == MAX_CASES) {
        fprintf(stderr, "harness: more than %d cases\n", MAX_CASES);
        exit(2);
    }
    cases[case_count] = (test_case){name, fn, line, case_count};
    case_count++;
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

void harness_skip(const char *reason)
{
    fflush(stdout);
    fflush(stderr);
    if (shared_note) {
        snprintf(shared_note->reason, sizeof shared_note->reason, "%s", reason);
        shared_note->skipped = true;
    } else {
        printf("# SKIP %s\n", reason);
        fflush(stdout);
    }
    _exit(HARNESS_SKIP_STATUS); /* as harness_fail: no exit-time joins */
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
    const test_case *x = a, *y = b;
    if (x->line != y->line)
        return x->line - y->line;
    return x->order < y->order ? -1 : x->order > y->order;
}

unsigned harness_timeout(void)
{
    const char *env = getenv("THRACE_TEST_TIMEOUT");
    int seconds = env ? atoi(env) : 30;
    return seconds > 0 ? (unsigned)seconds : 30;
}

/* Reads a finished child's status; `why` says why it failed or skipped. */
static case_result judge(int status, char *why, size_t size)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return CASE_PASSED;
    if (WIFEXITED(status) && WEXITSTATUS(status) == HARNESS_SKIP_STATUS && shared_note->skipped) {
        snprintf(why, size, "%s", shared_note->reason);
        return CASE_SKIPPED;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(why, size, "timed out after %u s", harness_timeout());
    else if (WIFSIGNALED(status))
        snprintf(why, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(why, size, "exit status %d", WEXITSTATUS(status));
    return CASE_FAILED;
}

/* Runs one case in a child; `why` says why it failed or skipped. */
static case_result run_case(const test_case *c, char *why, size_t size)
{
    *shared_note = (skip_note){0};
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, size, "fork failed");
        return CASE_FAILED;
    }
    if (pid == 0) {
        alarm(harness_timeout());
        c->fn();
        exit(0); /* as a program would: joins its non-daemon threads */
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        continue;
    return judge(status, why, size);
}

/* Runs the case named `name` in this very process; exits. */
static void run_in_process(const char *name)
{
    for (size_t i = 0; i < case_count; i++) {
        if (strcmp(cases[i].name, name) == 0) {
            alarm(harness_timeout());
            cases[i].fn();
            exit(0);
        }
    }
    fprintf(stderr, "no case named %s\n", name);
    exit(2);
}

static bool selected(const test_case *c, const char *only)
{
    return !only || strcmp(only, c->name) == 0;
}

/* Runs the selected cases (every one when only is NULL); the exit status. */
static int run_all(const char *only)
{
    int planned = 0, passed = 0, failed = 0, skipped = 0, number = 0;
    for (size_t i = 0; i < case_count; i++)
        planned += selected(&cases[i], only);
    if (only && planned == 0) {
        fprintf(stderr, "no case named %s\n", only);
        return 2;
    }
    shared_note =
        mmap(NULL, sizeof *shared_note, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared_note == MAP_FAILED) {
        perror("harness: mmap");
        return 2;
    }
    printf("1..%d\n", planned);
    for (size_t i = 0; i < case_count; i++) {
        if (!selected(&cases[i], only))
            continue;
        char why[REASON_SIZE + 64] = "";
        number++;
        switch (run_case(&cases[i], why, sizeof why)) {
        case CASE_PASSED:
            printf("ok %d - %s\n", number, cases[i].name);
            passed++;
            break;
        case CASE_SKIPPED:
            printf("ok %d - %s # SKIP %s\n", number, cases[i].name, why);
            skipped++;
            break;
        case CASE_FAILED:
            printf("not ok %d - %s # %s\n", number, cases[i].name, why);
            failed++;
            break;
        }
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    qsort(cases, case_count, sizeof cases[0], by_line);
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < case_count; i++)
            printf("%s\n", cases[i].name);
        return 0;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: %s [--list | CASE]\n", argv[0]);
        return 2;
    }
    const char *only = argc > 1 ? argv[1] : NULL;
    const char *in_process = getenv("THRACE_TEST_IN_PROCESS");
    if (only && in_process && strcmp(in_process, "1") == 0)
        run_in_process(only);
    return run_all(only);
}
