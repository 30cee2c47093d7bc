/*
 * tracedir.c - finding CTF traces: a directory holding a file named
 * `metadata` is a trace (LTTng writes one per buffering domain, e.g.
 * SESSION/ust/uid/0/64-bit); below any other directory, every trace found by
 * walking it without following symbolic links (a link back up would never
 * end). Each path's traces come in name order.
 */
#include "tracedir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool tracedir_add(tracedir_list *l, const char *path)
{
    if (!grow_for(&l->paths, l->n, &l->cap, sizeof *l->paths, 8))
        return false;
    char *copy = strdup(path);
    if (!copy)
        return false;
    l->paths[l->n++] = copy;
    return true;
}

void tracedir_free(tracedir_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    *l = (tracedir_list){0};
}

static bool tracedir_is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool tracedir_is_trace(const char *dir)
{
    char metadata[PATH_MAX];
    struct stat st;
    return snprintf(metadata, sizeof metadata, "%s/metadata", dir) < (int)sizeof metadata &&
           stat(metadata, &st) == 0 && S_ISREG(st.st_mode);
}

/* Adds dir if it is a trace, else the traces below it (symbolic links are
 * not followed: a link back up would never end). False when out of memory. */
static bool tracedir_walk(const char *dir, tracedir_list *found)
{
    if (tracedir_is_trace(dir))
        return tracedir_add(found, dir);
    DIR *d = opendir(dir);
    if (!d)
        return true; /* unreadable: nothing found there */
    bool ok = true;
    for (struct dirent *ent; ok && (ent = readdir(d));) {
        char sub[PATH_MAX];
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0 ||
            (ent->d_type != DT_DIR && ent->d_type != DT_UNKNOWN))
            continue;
        if (snprintf(sub, sizeof sub, "%s/%s", dir, ent->d_name) < (int)sizeof sub &&
            tracedir_is_dir(sub))
            ok = tracedir_walk(sub, found);
    }
    closedir(d);
    return ok;
}

static int tracedir_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The traces under every path, each path's in name order. */
bool tracedir_find(char *const *paths, int n, tracedir_list *found, failure *why)
{
    for (int i = 0; i < n; i++) {
        char real[PATH_MAX];
        struct stat st;
        if (stat(paths[i], &st) != 0 || !realpath(paths[i], real))
            return failure_object(why, paths[i], "%s", strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return failure_object(why, paths[i], "not a directory");
        size_t before = found->n;
        if (!tracedir_walk(real, found))
            return failure_object(why, paths[i], "out of memory");
        if (found->n == before)
            return failure_object(why, paths[i],
                                  "no CTF trace here (no directory with a metadata file)");
        qsort(found->paths + before, found->n - before, sizeof *found->paths, tracedir_compare);
    }
    return true;
}
