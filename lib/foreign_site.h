/*
 * foreign_site.h - call sites of the interposed calls, for deadlock
 * detection's reports: a return address described once, as
 * "binary+0xOFFSET in function()" (dladdr's names; a trace resolves the
 * same address to a source line when it is stored).
 */
#ifndef THRACE_LIB_FOREIGN_SITE_H
#define THRACE_LIB_FOREIGN_SITE_H

#include "internal.h"

/* The site of return address ip, described on first use; NULL when out of
 * memory (reports then say "an unknown site"). Only when detection is on. */
const thrace__site *thrace__foreign_site(uint64_t ip);

#endif
