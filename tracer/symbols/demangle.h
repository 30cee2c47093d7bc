/*
 * demangle.h - a symbol's name as its programmer wrote it: a C++ name
 * demangled (`_ZNSt6thread4joinEv` is `std::thread::join()`), without
 * `(anonymous namespace)::`, which only says what C's `static` says and C
 * names never show, and without the suffix of GCC's clones of a function
 * (`transfer.constprop.0` is `transfer`). Private to tracer/symbols/.
 */
#ifndef THRACE_TRACER_SYMBOLS_DEMANGLE_H
#define THRACE_TRACER_SYMBOLS_DEMANGLE_H

/*
 * A copy of name made readable (malloc'd, the caller's to free): a
 * mangled C++ name (`_Z...`) demangled by libstdc++, any other name as it
 * is; `(anonymous namespace)::` and a clone's suffix (`.constprop.0`,
 * ` [clone .isra.0]`) dropped from either. A name that does not
 * demangle, or all of them when libstdc++ cannot be loaded, stays as it
 * is. NULL only when out of memory.
 */
char *demangle_name(const char *name);

#endif
