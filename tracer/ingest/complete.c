/*
 * complete.c - a trace's completeness from its own bookkeeping (complete.h).
 * Only sizes are read: the metadata's packet headers (CTF 1.8, section
 * 7.1: magic, UUID, checksum, then content and packet sizes in bits, in
 * the tracer's byte order) and the packet index's entries (LTTng's index
 * format: a header giving each entry's length, then per packet its offset
 * and size in bits, big-endian). Decoding is libbabeltrace2's.
 */
#include "complete.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    METADATA_MAGIC = 0x75d11d57,
    METADATA_HEADER = 37, /* magic, uuid, checksum, sizes, five bytes of schemes and version */
    INDEX_MAGIC = 0xc1f1dcc1,
    INDEX_HEADER = 16,
    INDEX_ENTRY_MIN = 16 /* offset and packet size */
};

static uint32_t complete_u32(const unsigned char *p, bool big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t complete_u64(const unsigned char *p)
{
    return (uint64_t)complete_u32(p, true) << 32 | complete_u32(p + 4, true);
}

/* Walks the metadata's packets: each header complete, each packet within
 * the file, the last ending where the file does. Text metadata passes. */
static bool complete_metadata(int fd, uint64_t size, const char *path, failure *why)
{
    unsigned char h[METADATA_HEADER];
    for (uint64_t at = 0; at < size;) {
        ssize_t n = pread(fd, h, sizeof h, (off_t)at);
        if (n < 0)
            return failure_object(why, path, "%s", strerror(errno));
        bool big = n >= 4 && complete_u32(h, true) == METADATA_MAGIC;
        if (at == 0 && !big && (n < 4 || complete_u32(h, false) != METADATA_MAGIC))
            return true; /* not packetized: plain text, nothing to count */
        if ((size_t)n < sizeof h)
            return failure_object(why, path, "cut inside a packet's header (a truncated trace)");
        uint32_t content = complete_u32(h + 24, big), bits = complete_u32(h + 28, big);
        if (bits % 8 || bits / 8 < METADATA_HEADER || content > bits)
            return failure_object(why, path, "a damaged packet header at byte %llu",
                                  (unsigned long long)at);
        at += bits / 8;
        if (at > size)
            return failure_object(why, path,
                                  "cut inside a packet: %llu bytes, the packet ends at byte %llu "
                                  "(a truncated trace)",
                                  (unsigned long long)size, (unsigned long long)at);
    }
    return true;
}

/* Checks a stream against its index: every packet listed is in the file,
 * and the last ends where the file does. */
static bool complete_indexed(int index, uint64_t index_size, uint64_t stream_size, const char *path,
                             failure *why)
{
    unsigned char h[INDEX_HEADER], e[INDEX_ENTRY_MIN];
    if (pread(index, h, sizeof h, 0) != (ssize_t)sizeof h || complete_u32(h, true) != INDEX_MAGIC)
        return true; /* no index we know: libbabeltrace2 makes its own */
    uint32_t entry = complete_u32(h + 12, true);
    if (entry < INDEX_ENTRY_MIN)
        return true;
    uint64_t packets = (index_size - INDEX_HEADER) / entry, end = 0;
    for (uint64_t i = 0; i < packets; i++) {
        if (pread(index, e, sizeof e, (off_t)(INDEX_HEADER + i * entry)) != (ssize_t)sizeof e)
            return failure_object(why, path, "its index cannot be read: %s", strerror(errno));
        end = complete_u64(e) + complete_u64(e + 8) / 8;
        if (end > stream_size)
            return failure_object(why, path,
                                  "holds %llu of the %llu packets its index lists (a truncated "
                                  "trace)",
                                  (unsigned long long)i, (unsigned long long)packets);
    }
    if (packets && end != stream_size)
        return failure_object(why, path,
                              "%llu bytes, where its index ends its last packet at byte %llu (a "
                              "damaged trace)",
                              (unsigned long long)stream_size, (unsigned long long)end);
    return true;
}

/* Opens dir/name for reading and tells its size; -1 when it cannot. */
static int complete_open(const char *dir, const char *name, char *path, size_t room, uint64_t *size)
{
    struct stat st;
    snprintf(path, room, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return -1;
    }
    *size = fd >= 0 ? (uint64_t)st.st_size : 0;
    return fd;
}

/* A stream file, counted in *streams: checked against index/NAME.idx
 * when there is one. */
static bool complete_stream(const char *dir, const char *name, size_t *streams, failure *why)
{
    char path[PATH_MAX], index_name[NAME_MAX + 16], index_path[PATH_MAX];
    uint64_t size, index_size;
    int fd = complete_open(dir, name, path, sizeof path, &size);
    if (fd < 0)
        return true; /* not a regular file: not a stream */
    close(fd);
    ++*streams;
    snprintf(index_name, sizeof index_name, "index/%s.idx", name);
    int index = complete_open(dir, index_name, index_path, sizeof index_path, &index_size);
    if (index < 0)
        return true;
    bool ok = complete_indexed(index, index_size, size, path, why);
    close(index);
    return ok;
}

bool complete_check(const char *dir, failure *why)
{
    char path[PATH_MAX];
    uint64_t size;
    int fd = complete_open(dir, "metadata", path, sizeof path, &size);
    if (fd < 0)
        return failure_object(why, path, "%s", strerror(errno ? errno : EINVAL));
    bool ok = complete_metadata(fd, size, path, why);
    close(fd);
    DIR *d = opendir(dir);
    if (!d)
        return ok && failure_object(why, dir, "%s", strerror(errno));
    size_t streams = 0;
    for (struct dirent *e; ok && (e = readdir(d));) {
        if (e->d_name[0] != '.' && strcmp(e->d_name, "metadata") != 0 &&
            (e->d_type == DT_REG || e->d_type == DT_UNKNOWN))
            ok = complete_stream(dir, e->d_name, &streams, why);
    }
    closedir(d);
    return ok && (streams > 0 || failure_object(why, dir,
                                                "a metadata file and no stream: nothing "
                                                "was recorded (a damaged trace)"));
}
