/*
 * frame.c - a return address as the frame its programmer wrote (frame.h).
 *
 * With optimisation, std::mutex::lock() and the __gthread_mutex_lock under
 * it are inlined into the user's function, and the line table at the
 * address names a line of gthr-default.h. DWARF keeps the chain: the
 * innermost scope at the address (dwarf_getscopes), then the scopes that
 * contain it in the tree (dwarf_getscopes_die, as eu-addr2line -i walks
 * them), where each DW_TAG_inlined_subroutine says where it was called,
 * in the function it was inlined into. Walking out, the first frame
 * outside the system headers is the one told. At -O0 nothing is inlined
 * and the wrapper is a function of its own: the interposer records one
 * return address, no stack, so the header's frame is all there is.
 *
 * Nothing here fails for a file: DWARF that is missing or will not read
 * leaves the line table's line and the symbol. Only memory runs out.
 */
#include "frame.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How deep a function's qualification recurses through enclosing
 * functions (a lambda in a lambda in a function...). */
enum { FRAME_QUALIFY_DEPTH = 4 };

bool frame_system_header(const char *path)
{
    static const char *const prefixes[] = {"/usr/include/", "/usr/local/include/", "/usr/lib/"};
    for (size_t i = 0; path && i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static bool frame_is_function(Dwarf_Die *die)
{
    int tag = dwarf_tag(die);
    return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* The scopes at vaddr, innermost first, into *scopes (malloc'd) and
 * their unit into *cu; their count, 0 without DWARF. */
static int frame_scopes(Dwfl_Module *mod, uint64_t vaddr, Dwarf_Die **scopes, Dwarf_Die *cu)
{
    Dwarf_Addr bias;
    Dwarf_Die *unit = dwfl_module_addrdie(mod, vaddr, &bias);
    Dwarf_Die *found = NULL;
    *scopes = NULL;
    if (!unit || dwarf_getscopes(unit, vaddr - bias, &found) <= 0) {
        free(found);
        return 0;
    }
    *cu = *unit;
    /* dwarf_getscopes goes on from an inlined instance into its abstract
     * definition's scopes; the tree's own nesting is the call chain. */
    Dwarf_Die innermost = found[0];
    free(found);
    int n = dwarf_getscopes_die(&innermost, scopes);
    return n > 0 ? n : 0;
}

/* Where the inlined function was called, in the function it was inlined
 * into: its file (NULL when DWARF does not say) and *line. */
static const char *frame_call_site(Dwarf_Die *inlined, int *line)
{
    Dwarf_Die unit;
    Dwarf_Files *files;
    size_t nfiles;
    Dwarf_Attribute attr;
    Dwarf_Word index, called_at;
    /* The instance's own unit's file table: under dwz it may not be the address's. */
    if (!dwarf_diecu(inlined, &unit, NULL, NULL) ||
        dwarf_getsrcfiles(&unit, &files, &nfiles) != 0 ||
        dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &index) != 0 ||
        dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attr), &called_at) != 0)
        return NULL;
    const char *file = dwarf_filesrc(files, index, NULL, NULL);
    if (file)
        *line = (int)called_at;
    return file;
}

/* The frame to tell: moves *file and *line (the line table's, in the
 * innermost function) out to the call site of each inlined function
 * whose code lies in a system header, and returns the index in scopes of
 * the function where it stops; -1 when no scope is a function. */
static int frame_pick(Dwarf_Die *scopes, int n, const char **file, int *line)
{
    for (int k = 0; k < n; k++) {
        if (!frame_is_function(&scopes[k]))
            continue; /* a lexical block */
        if (!frame_system_header(*file) || dwarf_tag(&scopes[k]) != DW_TAG_inlined_subroutine)
            return k; /* the user's frame, or the outermost */
        const char *caller = frame_call_site(&scopes[k], line);
        if (!caller)
            return k; /* no way out: the header's frame */
        *file = caller;
    }
    return -1;
}

/* The DIE that declares fn: through its abstract origin (fn inlined, or
 * an out-of-line copy) and its specification (defined outside its class
 * or namespace). Bounded: a malformed file may loop. */
static Dwarf_Die frame_declaration(Dwarf_Die *fn)
{
    Dwarf_Die die = *fn, next;
    Dwarf_Attribute attr;
    for (int i = 0; i < 8; i++) {
        if (!dwarf_formref_die(dwarf_attr(&die, DW_AT_abstract_origin, &attr), &next) &&
            !dwarf_formref_die(dwarf_attr(&die, DW_AT_specification, &attr), &next))
            break;
        die = next;
    }
    return die;
}

static bool frame_is_cxx(Dwarf_Die *cu)
{
    switch (dwarf_srclang(cu)) {
    case DW_LANG_C_plus_plus:
    case DW_LANG_C_plus_plus_03:
    case DW_LANG_C_plus_plus_11:
    case DW_LANG_C_plus_plus_14:
    case DW_LANG_ObjC_plus_plus:
        return true;
    default:
        return false;
    }
}

/*
 * Writes the function declared by decl (named name) to out, qualified by
 * the scopes that enclose it, outermost first: named namespaces and
 * classes, enclosing functions as `f()`, an unnamed class as `{lambda}`
 * when the function is its operator() (GCC's closure types have no name),
 * else `{unnamed type}`; the anonymous namespace is left out, as
 * demangle.h leaves it. Then `()` in C++, where every function has a
 * parameter list and DWARF gives no types to write in it.
 */
static void frame_qualify(Dwarf_Die *decl, const char *name, bool cxx, int depth, FILE *out)
{
    Dwarf_Die *scopes = NULL;
    int n = depth < FRAME_QUALIFY_DEPTH ? dwarf_getscopes_die(decl, &scopes) : 0;
    /* scopes[0] is decl itself, scopes[n - 1] its unit. */
    for (int k = n - 2; k >= 1; k--) {
        const char *scope = dwarf_diename(&scopes[k]);
        switch (dwarf_tag(&scopes[k])) {
        case DW_TAG_namespace:
            if (scope)
                fprintf(out, "%s::", scope);
            break;
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
            if (!scope)
                scope = k == 1 && strcmp(name, "operator()") == 0 ? "{lambda}" : "{unnamed type}";
            fprintf(out, "%s::", scope);
            break;
        case DW_TAG_subprogram:
        case DW_TAG_inlined_subroutine: {
            Dwarf_Die outer = frame_declaration(&scopes[k]);
            const char *outer_name = dwarf_diename(&outer);
            if (outer_name) {
                frame_qualify(&outer, outer_name, cxx, depth + 1, out);
                fputs("::", out);
            }
            break;
        }
        default: /* lexical blocks */
            break;
        }
    }
    free(scopes);
    fprintf(out, "%s%s", name, cxx ? "()" : "");
}

/* fn's name from DWARF into *out (malloc'd): its linkage name, or its
 * qualified name; *out NULL when DWARF names it not. False when out of
 * memory. */
static bool frame_dwarf_name(Dwarf_Die *fn, Dwarf_Die *cu, char **out)
{
    Dwarf_Attribute attr;
    const char *linkage = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_linkage_name, &attr));
    if (!linkage)
        linkage = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_MIPS_linkage_name, &attr));
    if (linkage)
        return (*out = strdup(linkage)) != NULL;
    Dwarf_Die decl = frame_declaration(fn);
    const char *name = dwarf_diename(&decl);
    if (!name)
        return true;
    size_t size;
    FILE *text = open_memstream(out, &size);
    if (!text)
        return false;
    frame_qualify(&decl, name, frame_is_cxx(cu), 0, text);
    if (fclose(text) == 0)
        return true;
    free(*out);
    *out = NULL;
    return false;
}

/* The name of fn (NULL: no DWARF function), the frame's function, into
 * *out: the outermost function's symbol, else DWARF's name. */
static bool frame_name(Dwfl_Module *mod, uint64_t vaddr, Dwarf_Die *fn, Dwarf_Die *cu, char **out)
{
    *out = NULL;
    if (!fn || dwarf_tag(fn) == DW_TAG_subprogram) {
        GElf_Off offset;
        GElf_Sym sym;
        const char *symbol = dwfl_module_addrinfo(mod, vaddr, &offset, &sym, NULL, NULL, NULL);
        if (symbol)
            return (*out = strdup(symbol)) != NULL;
    }
    return !fn || frame_dwarf_name(fn, cu, out);
}

/* The callers that inlined the function of scopes[k] (told at out->at),
 * outwards: for each inlined scope, its call site and the function that
 * encloses it. False when out of memory. */
static bool frame_inlined_by(Dwfl_Module *mod, uint64_t vaddr, Dwarf_Die *scopes, int n, int k,
                             Dwarf_Die *cu, frame_site *out)
{
    while (k >= 0 && k < n && dwarf_tag(&scopes[k]) == DW_TAG_inlined_subroutine &&
           out->ninlined < FRAME_INLINED_MAX) {
        int line = 0;
        const char *file = frame_call_site(&scopes[k], &line);
        int outer = k + 1;
        while (outer < n && !frame_is_function(&scopes[outer]))
            outer++; /* lexical blocks */
        if (!file || outer >= n)
            return true;
        frame_call *call = &out->inlined_by[out->ninlined];
        if (!frame_name(mod, vaddr, &scopes[outer], cu, &call->func))
            return false;
        call->file = file;
        call->line = line;
        out->ninlined++;
        k = outer;
    }
    return true;
}

bool frame_at(Dwfl_Module *mod, uint64_t vaddr, frame_site *out, failure *why)
{
    *out = (frame_site){0};
    frame_call *at = &out->at;
    Dwfl_Line *where = dwfl_module_getsrc(mod, vaddr);
    if (where)
        at->file = dwfl_lineinfo(where, NULL, &at->line, NULL, NULL, NULL);
    if (!at->file)
        at->line = 0;
    Dwarf_Die cu = {0}, *scopes;
    int n = frame_scopes(mod, vaddr, &scopes, &cu);
    int k = frame_pick(scopes, n, &at->file, &at->line);
    bool named = frame_name(mod, vaddr, k >= 0 ? &scopes[k] : NULL, &cu, &at->func) &&
                 frame_inlined_by(mod, vaddr, scopes, n, k, &cu, out);
    free(scopes);
    if (!named)
        frame_site_free(out);
    return named || failure_set(why, "out of memory");
}

void frame_site_free(frame_site *out)
{
    free(out->at.func);
    for (int i = 0; i < out->ninlined; i++)
        free(out->inlined_by[i].func);
    *out = (frame_site){0};
}
