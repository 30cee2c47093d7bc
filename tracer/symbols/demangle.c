/*
 * demangle.c - C++ names demangled by libstdc++'s `abi::__cxa_demangle`
 * (demangle.h), the demangler of the compiler that mangled them, kept up
 * with every new mangling by GCC's maintainers.
 *
 * It is reached by dlopen("libstdc++.so.6"), once per process, rather than
 * linked: thrace is C, and building it must not need a C++ toolchain (g++
 * brings the libstdc++.so link-time name; a Debian system without it still
 * has libstdc++.so.6, which apt itself needs). Loaded only when a mangled
 * name is first seen, so C programs' traces never load it; without it
 * names stay mangled, which still say everything, less kindly.
 */
#include "demangle.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The Itanium C++ ABI's demangler: status 0 done, -1 out of memory, -2
 * not a mangled name, -3 bad arguments. */
typedef char *(*demangle_cxa)(const char *mangled, char *buf, size_t *len, int *status);

static pthread_once_t demangle_once = PTHREAD_ONCE_INIT;
static demangle_cxa demangle_fn; /* NULL: libstdc++ could not be loaded */

static void demangle_load(void)
{
    /* Never closed: the demangler serves until the process ends. */
    void *lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
    if (lib)
        demangle_fn = (demangle_cxa)dlsym(lib, "__cxa_demangle");
}

/* text without any `(anonymous namespace)::`, in place. */
static void demangle_drop_anonymous(char *text)
{
    static const char anonymous[] = "(anonymous namespace)::";
    const size_t n = sizeof anonymous - 1;
    char *at;
    while ((at = strstr(text, anonymous)))
        memmove(at, at + n, strlen(at + n) + 1);
}

/* text without the suffix GCC gives a function's clones (a copy made for
 * constant arguments, a part split off): C's `transfer.constprop.0` is
 * `transfer` (no C name holds a dot), C++'s `f() [clone .isra.0]` is `f()`. */
static void demangle_drop_clone(char *text, bool mangled)
{
    char *clone = mangled ? strstr(text, " [clone ") : strchr(text, '.');
    if (clone && clone != text)
        *clone = '\0';
}

char *demangle_name(const char *name)
{
    char *text = NULL;
    if (strncmp(name, "_Z", 2) == 0) {
        pthread_once(&demangle_once, demangle_load);
        int status = -2;
        if (demangle_fn)
            text = demangle_fn(name, NULL, NULL, &status);
        if (status == -1)
            return NULL;
    }
    if (!text && !(text = strdup(name)))
        return NULL;
    demangle_drop_anonymous(text);
    demangle_drop_clone(text, strncmp(name, "_Z", 2) == 0);
    return text;
}
