/*
 * foreign_site.c - return addresses described for deadlock reports
 * (foreign_site.h). A fixed table, open addressing on the address, filled
 * by compare-and-swap and never emptied: a slot whose address is claimed
 * is described by its claimer, who then marks it ready; a reader that
 * finds it not ready yet waits for it a while (site_ready).
 * A full table describes no more sites.
 */
#include "foreign_site.h"

#include "deadlock.h"

#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#define SITE_BITS     12
#define SITE_PATIENCE 10000 /* yields */

typedef struct {
    uint64_t ip;
    int ready;
    thrace__site site;
    char where[160]; /* "binary+0xOFFSET" */
    char func[96];
} foreign_site;

static foreign_site sites[1 << SITE_BITS];

/* Describes s from dladdr: the object's base name and offset, the function
 * ("" when the dynamic symbols do not tell it: a static function). */
static void site_describe(foreign_site *s)
{
    Dl_info info;
    const char *object = "?", *func = "";
    uintptr_t base = 0;
    if (dladdr((void *)(uintptr_t)s->ip, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        object = slash ? slash + 1 : info.dli_fname;
        base = (uintptr_t)info.dli_fbase;
        func = info.dli_sname ? info.dli_sname : func;
    }
    snprintf(s->where, sizeof s->where, "%s+0x%llx", object, (unsigned long long)(s->ip - base));
    snprintf(s->func, sizeof s->func, "%s", func);
    s->site = (thrace__site){s->where, s->func, 0, 1};
}

/* s once its claimer has described it (one dladdr call): waited for, but
 * not for ever, in case this thread holds the loader's lock that dladdr
 * needs (a mutex locked in a library's constructor); NULL then. */
static const thrace__site *site_ready(foreign_site *s)
{
    for (int i = 0; i < SITE_PATIENCE; i++) {
        if (__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE))
            return &s->site;
        sched_yield();
    }
    return NULL;
}

const thrace__site *thrace__foreign_site(uint64_t ip)
{
    if (!thrace__deadlock_on || !ip)
        return NULL;
    size_t mask = (1u << SITE_BITS) - 1;
    for (size_t i = (ip * 0x9E3779B97F4A7C15ull) >> (64 - SITE_BITS), n = 0; n <= mask;
         i = (i + 1) & mask, n++) {
        foreign_site *s = &sites[i];
        uint64_t found = __atomic_load_n(&s->ip, __ATOMIC_ACQUIRE);
        if (found == 0 && __atomic_compare_exchange_n(&s->ip, &found, ip, false, __ATOMIC_ACQ_REL,
                                                      __ATOMIC_ACQUIRE)) {
            site_describe(s);
            __atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
            return &s->site;
        }
        if (found == ip)
            return site_ready(s);
    }
    return NULL;
}
