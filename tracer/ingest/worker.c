/*
 * worker.c - a job in a watched child process (worker.h). The child writes
 * messages on a pipe: a beat (with how far it is), a stage, or the result
 * at the end, each a fixed header and, for the result, its bytes. The
 * parent polls the pipe with the patience as its timeout. The child's
 * stderr goes to an unlinked file of its own, read back when it dies.
 */
#include "worker.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { WORKER_BEAT_NS = 200000000, WORKER_RESULT_MAX = 4096 };

enum { MESSAGE_BEAT, MESSAGE_STAGE, MESSAGE_RESULT };

typedef struct {
    uint32_t kind;
    uint32_t stage;  /* MESSAGE_STAGE's */
    uint32_t length; /* MESSAGE_RESULT's bytes after the header */
    uint32_t pad;
    double fraction; /* MESSAGE_BEAT's */
    uint64_t count;
    char name[240]; /* MESSAGE_STAGE's */
} worker_message;

/* The child's end of the pipe, when it last beat, and whether a beat told
 * a count yet (the first one goes at once, so that a bar shows early). */
static int worker_fd = -1;
static int64_t worker_last_beat_ns;
static bool worker_counted;

static int64_t worker_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A failed write is the parent gone: the child has nobody to work for. */
static void worker_send(const void *data, size_t length)
{
    for (size_t done = 0; done < length;) {
        ssize_t n = write(worker_fd, (const char *)data + done, length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(1);
        done += (size_t)n;
    }
}

void worker_beat(double fraction, uint64_t count)
{
    if (worker_fd < 0)
        return;
    int64_t now = worker_now_ns();
    bool first_count = count && !worker_counted;
    if (now - worker_last_beat_ns < WORKER_BEAT_NS && !first_count)
        return;
    worker_last_beat_ns = now;
    worker_counted = worker_counted || count;
    worker_message m = {.kind = MESSAGE_BEAT, .fraction = fraction, .count = count};
    worker_send(&m, sizeof m);
}

void worker_stage(uint32_t stage, const char *name)
{
    static worker_message m = {.kind = MESSAGE_STAGE, .stage = WORKER_NO_STAGE, .fraction = -1};
    if (worker_fd < 0 || (stage == m.stage && strncmp(name, m.name, sizeof m.name - 1) == 0))
        return; /* told already: a follower steps its session many times a tick */
    m.stage = stage;
    snprintf(m.name, sizeof m.name, "%s", name);
    worker_send(&m, sizeof m);
}

double worker_patience(double otherwise)
{
    const char *env = getenv("THRACE_WORKER_PATIENCE");
    char *end;
    double s = env ? strtod(env, &end) : 0;
    return env && end != env && *end == '\0' && s > 0 ? s : otherwise;
}

/* The child: the job, its result, its exit. Terminal signals end it as
 * they would have ended the caller; its stderr is the file err. */
static _Noreturn void worker_child(int fd, int err, pid_t parent, const worker_spec *spec)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(1); /* the caller is gone already */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (err >= 0)
        dup2(err, STDERR_FILENO);
    worker_fd = fd;
    worker_last_beat_ns = worker_now_ns();
    static char result[WORKER_RESULT_MAX];
    bool ok = spec->job(spec->arg, result, spec->size);
    worker_message m = {.kind = MESSAGE_RESULT, .length = (uint32_t)spec->size};
    worker_send(&m, sizeof m);
    worker_send(result, spec->size);
    _exit(ok ? 0 : 1);
}

/* Reads exactly size bytes; false at the pipe's end first. */
static bool worker_read(int fd, void *buf, size_t size)
{
    for (size_t done = 0; done < size;) {
        ssize_t n = read(fd, (char *)buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* Reads one message from the pipe; false at its end (the child is gone). */
static bool worker_receive(int fd, const worker_spec *spec, worker_end *end)
{
    worker_message m;
    if (!worker_read(fd, &m, sizeof m))
        return false;
    if (m.kind == MESSAGE_STAGE) {
        end->stage = m.stage;
        memcpy(end->stage_name, m.name, sizeof end->stage_name);
        end->stage_name[sizeof end->stage_name - 1] = '\0';
    }
    if (m.kind == MESSAGE_RESULT) {
        end->finished = m.length == spec->size && worker_read(fd, spec->result, spec->size);
        return end->finished;
    }
    if (spec->progress)
        spec->progress(spec->progress_ctx, end->stage, m.fraction, m.count);
    return true;
}

/* Passes a signal taken from signals (a signalfd) on to the child. */
static void worker_forward(int signals, pid_t pid, worker_end *end)
{
    struct signalfd_siginfo info;
    if (read(signals, &info, sizeof info) == (ssize_t)sizeof info) {
        end->forwarded = (int)info.ssi_signo;
        kill(pid, (int)info.ssi_signo);
    }
}

/* Waits for the child's messages until its end, or its silence; passes
 * the signals of signals (a signalfd, or -1) on. */
static void worker_watch(int fd, int signals, pid_t pid, const worker_spec *spec, worker_end *end)
{
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = signals, .events = POLLIN}};
    for (;;) {
        int timeout = spec->patience_s > 0 ? (int)(spec->patience_s * 1000) : -1;
        int ready = poll(p, signals >= 0 ? 2 : 1, timeout);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            end->silent = true;
            kill(pid, SIGKILL);
            return;
        }
        if (ready > 0 && signals >= 0 && (p[1].revents & POLLIN))
            worker_forward(signals, pid, end);
        if (ready < 0 || ((p[0].revents & (POLLIN | POLLHUP)) && !worker_receive(fd, spec, end)))
            return;
    }
}

/* The last non-empty line of what the child wrote to stderr, into end. */
static void worker_last_words(int err, worker_end *end)
{
    char tail[4096];
    off_t size = lseek(err, 0, SEEK_END);
    off_t from = size > (off_t)sizeof tail - 1 ? size - (off_t)sizeof tail + 1 : 0;
    ssize_t n = err >= 0 && size > 0 ? pread(err, tail, (size_t)(size - from), from) : 0;
    tail[n > 0 ? n : 0] = '\0';
    char *line = NULL;
    for (char *save, *tok = strtok_r(tail, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
        if (tok[strspn(tok, " \t\r")])
            line = tok;
    /* From its first letter or digit on: libbabeltrace2 decorates its assertions. */
    while (line && *line && !isalnum((unsigned char)*line))
        line++;
    snprintf(end->last_words, sizeof end->last_words, "%s", line ? line : "");
}

static void worker_close(worker *w)
{
    close(w->fd);
    if (w->err >= 0)
        close(w->err);
    if (w->signals >= 0)
        close(w->signals);
}

static void worker_reap(pid_t pid, int err, worker_end *end)
{
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    end->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    end->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    end->finished = end->finished && !end->signal;
    if (!end->finished)
        worker_last_words(err, end);
}

bool worker_start(const worker_spec *spec, worker *w, failure *why)
{
    int fds[2];
    if (spec->size > WORKER_RESULT_MAX)
        return failure_set(why, "a worker's result is limited to %d bytes", WORKER_RESULT_MAX);
    if (pipe2(fds, O_CLOEXEC) != 0)
        return failure_set(why, "pipe: %s", strerror(errno));
    w->err = spec->pass_stderr ? -1 : memfd_create("thrace-worker-stderr", MFD_CLOEXEC);
    w->signals = spec->forward ? signalfd(-1, spec->forward, SFD_CLOEXEC) : -1;
    pid_t parent = getpid();
    w->pid = fork();
    if (w->pid == 0) {
        close(fds[0]);
        worker_child(fds[1], w->err, parent, spec);
    }
    int error = errno;
    close(fds[1]);
    w->fd = fds[0];
    if (w->pid > 0)
        return true;
    worker_close(w);
    return failure_set(why, "fork: %s", strerror(error));
}

void worker_wait(worker *w, const worker_spec *spec, worker_end *end)
{
    *end = (worker_end){.stage = WORKER_NO_STAGE};
    worker_watch(w->fd, w->signals, w->pid, spec, end);
    worker_reap(w->pid, w->err, end);
    worker_close(w);
}

bool worker_run(const worker_spec *spec, worker_end *end, failure *why)
{
    worker w;
    if (!worker_start(spec, &w, why))
        return false;
    worker_wait(&w, spec, end);
    return true;
}
