/*
 * test_relayd.c - tracer/record/relayd.c against a real lttng-relayd on loopback,
 * on ports nobody else uses (a user's relay daemon is never touched): URLs
 * read, a relay daemon started as our child and stopped by its pid, one
 * that answers used as it is, and the failures said in one line.
 */
#include "harness.h"
#include "record.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

/* Binds 127.0.0.1:port; the socket, or -1 when the port is taken. */
static int bind_port(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

/* A live port above 15344 whose control and data ports (-2, -1) are free too. */
static int free_live_port(void)
{
    for (;;) {
        unsigned r;
        ASSERT_EQ(sizeof r, getrandom(&r, sizeof r, 0));
        int port = 15344 + (int)(r % 40000), fds[3], free = 0;
        for (int i = 0; i < 3; i++)
            free += (fds[i] = bind_port(port - 2 + i)) >= 0;
        for (int i = 0; i < 3; i++)
            if (fds[i] >= 0)
                close(fds[i]);
        if (free == 3)
            return port;
    }
}

/* A relayd for a free loopback port, parsed. */
static void loopback(relayd *r)
{
    char url[64];
    failure why;
    snprintf(url, sizeof url, "net://127.0.0.1:%d", free_live_port());
    ASSERT_TRUE(relayd_parse(r, url, &why));
}

static void out_dir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/thrace-relayd-XXXXXX");
    ASSERT_TRUE(mkdtemp(dir) != NULL);
}

static bool is_relayd(pid_t pid)
{
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool read = fgets(comm, sizeof comm, f) != NULL;
    fclose(f);
    return read && strcmp(comm, "lttng-relayd\n") == 0;
}

/* The parent pid of pid, from /proc/PID/stat ("pid (comm) state ppid ..."). */
static pid_t parent_of(pid_t pid)
{
    char path[64], stat[512] = "";
    int ppid = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(stat, sizeof stat, f) && strrchr(stat, ')'))
            sscanf(strrchr(stat, ')') + 1, " %*c %d", &ppid);
        fclose(f);
    }
    return ppid;
}

TEST(a_url_names_host_and_live_port_and_the_two_below)
{
    relayd r;
    char control[320];
    failure why;
    ASSERT_TRUE(relayd_parse(&r, "net://localhost", &why));
    ASSERT_STR_EQ("localhost", r.host);
    ASSERT_EQ(5344, r.live_port);
    ASSERT_STR_EQ("net://localhost:5344", r.url);
    ASSERT_TRUE(relayd_parse(&r, "net://10.1.2.3:15344", &why));
    relayd_control_url(&r, control, sizeof control);
    ASSERT_STR_EQ("net://10.1.2.3:15342:15343", control);
    ASSERT_EQ(0, r.started);
}

TEST(no_url_is_the_default_one)
{
    relayd r;
    failure why;
    ASSERT_TRUE(relayd_parse(&r, NULL, &why));
    ASSERT_STR_EQ(RELAYD_DEFAULT_URL, r.url);
    ASSERT_STR_EQ("127.0.0.1", r.host);
}

TEST(a_bad_url_is_refused_with_its_reason)
{
    relayd r;
    failure why;
    ASSERT_FALSE(relayd_parse(&r, "tcp://127.0.0.1:5344", &why));
    ASSERT_STR_EQ("tcp://127.0.0.1:5344: not a relay daemon URL, net://HOST[:PORT]", why.text);
    ASSERT_FALSE(relayd_parse(&r, "net://", &why));
    ASSERT_FALSE(relayd_parse(&r, "net://[::1]:5344", &why));
    ASSERT_FALSE(relayd_parse(&r, "net://host:2", &why));
    ASSERT_STR_EQ("net://host:2: the port is not a number from 3 to 65535", why.text);
    ASSERT_FALSE(relayd_parse(&r, "net://host:65536", &why));
    ASSERT_FALSE(relayd_parse(&r, "net://host:", &why));
    ASSERT_FALSE(relayd_parse(&r, "net://host:+5344", &why));
    ASSERT_FALSE(relayd_parse(&r, "net://host:5344/host/vm/session", &why));
    ASSERT_STR_EQ("net://host:5344/host/vm/session: a relay daemon URL has no path:"
                  " net://HOST[:PORT]",
                  why.text);
}

/* Facts are gathered before relayd_stop and asserted after: a failed case must not leave the
 * relay daemon running (it is in a process group of its own, beyond the harness's reach). */
TEST(use_starts_a_relayd_as_our_child_and_stop_ends_exactly_it)
{
    relayd r;
    char dir[64];
    failure why;
    loopback(&r);
    out_dir(dir, sizeof dir);
    ASSERT_FALSE(relayd_answers(&r));
    ASSERT_TRUE(relayd_use(&r, dir, &why));
    pid_t pid = r.started;
    bool is_ours = pid > 0 && is_relayd(pid);
    pid_t parent = pid > 0 ? parent_of(pid) : 0;
    bool answered = relayd_answers(&r);
    bool stopped = relayd_stop(&r, &why);
    ASSERT_TRUE(is_ours);
    ASSERT_EQ(getpid(), parent); /* not daemonized: ours to stop */
    ASSERT_TRUE(answered);
    ASSERT_TRUE(stopped);
    ASSERT_EQ(0, r.started);
    /* Reaped: the pid names no process any more. */
    ASSERT_EQ(-1, kill(pid, 0));
    ASSERT_EQ(ESRCH, errno);
    ASSERT_FALSE(relayd_answers(&r));
    rmdir(dir);
}

TEST(use_takes_a_relayd_that_answers_and_stop_leaves_it_running)
{
    relayd ours, theirs;
    char dir[64];
    failure why;
    loopback(&ours);
    out_dir(dir, sizeof dir);
    ASSERT_TRUE(relayd_use(&ours, dir, &why));
    theirs = ours;
    theirs.started = 0;
    bool used = relayd_use(&theirs, dir, &why);
    pid_t started = theirs.started;
    bool stopped = relayd_stop(&theirs, &why);
    bool running = is_relayd(ours.started) && relayd_answers(&ours);
    ASSERT_TRUE(relayd_stop(&ours, &why));
    ASSERT_TRUE(used);
    ASSERT_EQ(0, started);
    ASSERT_TRUE(stopped);
    ASSERT_TRUE(running);
    rmdir(dir);
}

TEST(a_relayd_that_cannot_listen_is_a_one_line_failure_and_none_is_left)
{
    relayd r;
    char dir[64], expected[512];
    failure why;
    loopback(&r);
    out_dir(dir, sizeof dir);
    int taken = bind_port(r.live_port - 2); /* its control port */
    ASSERT_TRUE(taken >= 0 && listen(taken, 1) == 0);
    ASSERT_FALSE(relayd_use(&r, dir, &why));
    /* lttng-relayd 2.13 says why on stderr, and exits with status 0. */
    snprintf(expected, sizeof expected, ") before answering on %s", r.url);
    ASSERT_TRUE(strncmp(why.text, "lttng-relayd: ended (", 21) == 0);
    ASSERT_TRUE(strstr(why.text, expected) != NULL);
    ASSERT_EQ(0, r.started);
    close(taken);
    rmdir(dir);
}

TEST(a_relayd_on_another_host_is_not_started)
{
    relayd r;
    failure why;
    /* 192.0.2.0/24 is TEST-NET-1: nothing answers there. */
    ASSERT_TRUE(relayd_parse(&r, "net://192.0.2.1:15344", &why));
    ASSERT_FALSE(relayd_use(&r, "/nonexistent", &why));
    ASSERT_STR_EQ("lttng-relayd: nothing answers on net://192.0.2.1:15344 (one on another host is"
                  " not started from here: start it there)",
                  why.text);
    ASSERT_EQ(0, r.started);
}
