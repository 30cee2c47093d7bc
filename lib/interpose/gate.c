/*
 * gate.c - which calls are the program's own (interpose.h), and the
 * library's life: its real functions resolved at load, the process's
 * normal end told at exit (process_exit). libthrace, LTTng-UST and
 * liburcu use pthreads too: their calls are known by their return address,
 * inside one of their loaded objects, found once by name (dl_iterate_phdr,
 * vocabulary.h's vocab_runtime_binary) when the first call is looked at, and
 * kept with the span they cover, which most of the program's calls fall
 * outside. A thread already inside a traced call (tracing it locked
 * something) passes through too.
 */
#include "interpose.h"

#include <link.h>
#include <string.h>

enum { GATE_RANGES = 32 };

typedef struct {
    uintptr_t begin, end;
} gate_range;

static const int zero, one = 1;
const int *interpose_traced = &zero;
static gate_range ranges[GATE_RANGES];
static gate_range span;  /* from the first range's begin to the last one's end */
static int nranges = -1; /* -1: not looked up yet */
static __thread __attribute__((tls_model("initial-exec"))) int inside;

static int gate_add(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    int *n = data;
    if (!info->dlpi_name || !vocab_runtime_binary(info->dlpi_name))
        return 0;
    for (int i = 0; i < info->dlpi_phnum && *n < GATE_RANGES; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_X))
            ranges[(*n)++] = (gate_range){info->dlpi_addr + p->p_vaddr,
                                          info->dlpi_addr + p->p_vaddr + p->p_memsz};
    }
    return 0;
}

static void gate_look_up(void)
{
    int n = 0;
    dl_iterate_phdr(gate_add, &n);
    span = (gate_range){UINTPTR_MAX, 0};
    for (int i = 0; i < n; i++) {
        span.begin = ranges[i].begin < span.begin ? ranges[i].begin : span.begin;
        span.end = ranges[i].end > span.end ? ranges[i].end : span.end;
    }
    __atomic_store_n(&nranges, n, __ATOMIC_RELEASE);
}

static bool gate_from_runtime(uint64_t ip)
{
    int n = __atomic_load_n(&nranges, __ATOMIC_ACQUIRE);
    if (__builtin_expect(n < 0, 0)) {
        gate_look_up();
        n = nranges;
    }
    if (ip < span.begin || ip >= span.end)
        return false;
    for (int i = 0; i < n; i++)
        if (ip >= ranges[i].begin && ip < ranges[i].end)
            return true;
    return false;
}

bool interpose_enter(uint64_t ip)
{
    if (inside || gate_from_runtime(ip))
        return false;
    inside = 1;
    return true;
}

void interpose_leave(void)
{
    inside = 0;
}

double interpose_timeout(clockid_t clock, const struct timespec *abstime)
{
    struct timespec now;
    if (!abstime || clock_gettime(clock, &now) != 0)
        return -1;
    double s =
        (double)(abstime->tv_sec - now.tv_sec) + (double)(abstime->tv_nsec - now.tv_nsec) / 1e9;
    return s > 0 ? s : 0;
}

__attribute__((constructor)) static void gate_init(void)
{
    interpose_resolve();
    /* libthrace's constructors, which turn the watches on, ran before ours. */
    interpose_traced = thrace__foreign_watching ? &one : thrace__foreign_traced;
}

/* The process ends normally: its threads still waiting are abandoned. */
__attribute__((destructor)) static void gate_exit(void)
{
    if (interpose_on())
        thrace__foreign_process_exit();
}
