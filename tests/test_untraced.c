/*
 * test_untraced.c - a program linked with libthrace and not traced loads no
 * liblttng-ust and starts no thread of LTTng's: the probes come only with
 * the preloaded provider (libthrace-tp.so).
 */
#include "harness.h"

#include <dirent.h>

static bool maps_contain(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    ASSERT_TRUE(f != NULL);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

static int task_count(void)
{
    DIR *d = opendir("/proc/self/task");
    ASSERT_TRUE(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

TEST(untraced_program_maps_no_liblttng_ust_and_runs_one_thread)
{
    thrace_lock l = THRACE_LOCK_INIT;
    thrace_lock_acquire(&l, true, THRACE_FOREVER);
    thrace_lock_release(&l);
    thrace_sleep(0.001);
    ASSERT_FALSE(maps_contain("liblttng-ust.so"));
    ASSERT_FALSE(maps_contain("libthrace-tp.so"));
    ASSERT_EQ(1, task_count());
}
