/*
 * jsonout.c - the trace events' text (jsonout.h): stdio's buffer is the
 * only buffer. Write errors are not checked here: the stream keeps its
 * error flag, which the document's end checks once (chrome.c).
 */
#include "jsonout.h"

#include "base.h"

#include <inttypes.h>
#include <string.h>

void jsonout_string(jsonout *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : ""), *run = p;
    putc('"', o->out);
    while (*p) {
        int n = (int)escape_utf8_length((const char *)p);
        if (n > 0 && *p >= 0x20 && *p != '"' && *p != '\\') {
            p += n;
            continue;
        }
        fwrite(run, 1, (size_t)(p - run), o->out);
        if (*p == '"' || *p == '\\')
            fprintf(o->out, "\\%c", *p);
        else if (n == 0)
            fputs("\\ufffd", o->out);
        else
            fprintf(o->out, "\\u%04x", *p);
        run = ++p;
    }
    fwrite(run, 1, (size_t)(p - run), o->out);
    putc('"', o->out);
}

void jsonout_us(jsonout *o, int64_t ns)
{
    /* Integer arithmetic: a double would round a long trace's nanoseconds. */
    uint64_t magnitude = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
    fprintf(o->out, "%s%" PRIu64 ".%03u", ns < 0 ? "-" : "", magnitude / 1000,
            (unsigned)(magnitude % 1000));
}

void jsonout_event(jsonout *o, char ph, int64_t pid, int64_t tid, int64_t ts_ns)
{
    fprintf(o->out, "%s\n{\"ph\":\"%c\"", o->in_array ? "," : "", ph);
    o->in_array = true;
    o->events++;
    if (pid >= 0)
        fprintf(o->out, ",\"pid\":%" PRId64, pid);
    if (tid >= 0)
        fprintf(o->out, ",\"tid\":%" PRId64, tid);
    fputs(",\"ts\":", o->out);
    jsonout_us(o, ts_ns - o->origin_ns);
}

void jsonout_key(jsonout *o, const char *key)
{
    fprintf(o->out, ",\"%s\":", key);
}

void jsonout_text(jsonout *o, const char *key, const char *value)
{
    jsonout_key(o, key);
    jsonout_string(o, value);
}

void jsonout_int(jsonout *o, const char *key, int64_t value)
{
    fprintf(o->out, ",\"%s\":%" PRId64, key, value);
}

void jsonout_end(jsonout *o)
{
    putc('}', o->out);
}

void jsonout_name(jsonout *o, const char *what, int64_t pid, int64_t tid, const char *name)
{
    jsonout_event(o, 'M', pid, tid, o->origin_ns);
    jsonout_text(o, "name", what);
    fputs(",\"args\":{\"name\":", o->out);
    jsonout_string(o, name);
    fputs("}}", o->out);
}
