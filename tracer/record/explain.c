/*
 * explain.c - what PROG's file tells (explain.h): it is looked at as execvp
 * would find it, its ELF header, program headers and notes read.
 */
#include "explain.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char explain_no_event[] =
    "no thread, lock or wait was traced: it made no pthread or thrace call that blocks or "
    "synchronises";

/* prog's path: as given when it holds a slash, else the first in PATH. */
static bool explain_find(const char *prog, char *path, size_t size)
{
    if (strchr(prog, '/'))
        return snprintf(path, size, "%s", prog) < (int)size;
    const char *dirs = getenv("PATH");
    for (const char *d = dirs ? dirs : "/usr/bin:/bin"; *d;) {
        size_t n = strcspn(d, ":");
        snprintf(path, size, "%.*s/%s", (int)n, d, prog);
        if (access(path, X_OK) == 0)
            return true;
        d += n + (d[n] == ':');
    }
    return false;
}

/* Whether an ELF file has an interpreter (is dynamically linked); -1: not ELF. */
static int explain_dynamic(int fd)
{
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG))
        return -1;
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return 1; /* not ours to tell */
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        off_t at = (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize);
        if (pread(fd, &ph, sizeof ph, at) != (ssize_t)sizeof ph)
            return 1;
        if (ph.p_type == PT_INTERP)
            return 1;
    }
    return 0;
}

/* Whether a note segment, size bytes at at, holds libthrace's note (lib/trace.c). */
static bool explain_note_is_ours(int fd, uint64_t at, uint64_t size)
{
    for (uint64_t end = at + size; at + sizeof(Elf64_Nhdr) <= end;) {
        Elf64_Nhdr nh;
        char name[8];
        if (pread(fd, &nh, sizeof nh, (off_t)at) != (ssize_t)sizeof nh)
            return false;
        if (nh.n_namesz == 7 &&
            pread(fd, name, sizeof name, (off_t)(at + sizeof nh)) == (ssize_t)sizeof name &&
            memcmp(name, "thrace", 7) == 0)
            return true;
        at += sizeof nh + ((nh.n_namesz + 3) & ~3u) + ((nh.n_descsz + 3) & ~3u);
    }
    return false;
}

bool explain_carries_libthrace(const char *prog)
{
    char path[PATH_MAX];
    Elf64_Ehdr eh;
    int fd = explain_find(prog, path, sizeof path) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    bool found = false;
    if (fd >= 0 && pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh &&
        memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64)
        for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
            Elf64_Phdr ph;
            off_t at = (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize);
            found = pread(fd, &ph, sizeof ph, at) == (ssize_t)sizeof ph && ph.p_type == PT_NOTE &&
                    explain_note_is_ours(fd, ph.p_offset, ph.p_filesz);
        }
    if (fd >= 0)
        close(fd);
    return found;
}

const char *explain_nothing(const char *prog, char *buf, size_t size)
{
    static const char *const why[] = {
        "nothing was recorded: it ended before LTTng registered it",
        "nothing was recorded: it is statically linked, so the loader preloads nothing into it "
        "(rebuild it without -static)",
        "nothing was recorded: it is set-user-ID or set-group-ID, so the loader ignores "
        "LD_PRELOAD for it",
        "nothing was recorded: it is a script whose interpreter took no preload (statically "
        "linked or set-user-ID; record the program it runs)",
    };
    char path[PATH_MAX];
    struct stat st;
    int reason = 0;
    int fd = explain_find(prog, path, sizeof path) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0 && fstat(fd, &st) == 0) {
        int dynamic = explain_dynamic(fd);
        reason = dynamic == 0 ? 1 : st.st_mode & (S_ISUID | S_ISGID) ? 2 : dynamic < 0 ? 3 : 0;
    }
    if (fd >= 0)
        close(fd);
    snprintf(buf, size, "%s", why[reason]);
    return buf;
}
