/*
 * binary.c - an ELF file through elfutils' libdwfl (binary.h). Each file
 * gets a Dwfl session of its own, its one module reported offline at bias
 * 0, so that the module's addresses are the file's own virtual addresses:
 * a library loaded by many processes at as many bases is read once. Debug
 * information comes from the file itself or from wherever
 * dwfl_standard_find_debuginfo finds it (a .gnu_debuglink or build-id
 * file under /usr/lib/debug). Code is told as frame.c finds its frame in
 * the module's DWARF. The data symbols are copied, the first time
 * a data address is asked about, into an array sorted by address; their
 * names stay libelf's, valid while the session is.
 */
#include "binary.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t addr, size;
    const char *name;
} binary_symbol;

struct binary {
    Dwfl *dwfl;
    Dwfl_Module *module;
    uint64_t first_vaddr;
    binary_symbol *data; /* the data symbols, by address, once sorted */
    size_t ndata;
    bool sorted;
};

/* dwfl_report_elf opens the file itself: the find_elf callback is never
 * asked, but a session must have one. */
static const Dwfl_Callbacks binary_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

/* The session and its module; false when the file cannot be read as ELF. */
static bool binary_report(binary *b, const char *path)
{
    b->dwfl = dwfl_begin(&binary_callbacks);
    if (!b->dwfl)
        return false;
    dwfl_report_begin(b->dwfl);
    /* Base 0 plus p_vaddr: an ET_DYN file's addresses are its own, as an ET_EXEC's are. */
    b->module = dwfl_report_elf(b->dwfl, path, path, -1, 0, true);
    return dwfl_report_end(b->dwfl, NULL, NULL) == 0 && b->module;
}

static bool binary_matches(binary *b, const uint8_t *build_id, size_t len)
{
    const unsigned char *bits;
    GElf_Addr where;
    int n = len ? dwfl_module_build_id(b->module, &bits, &where) : 0;
    return !len || (n > 0 && (size_t)n == len && memcmp(bits, build_id, len) == 0);
}

/* The first PT_LOAD's p_vaddr; false when the file has none. */
static bool binary_find_first_vaddr(binary *b)
{
    Dwarf_Addr bias;
    Elf *elf = dwfl_module_getelf(b->module, &bias);
    size_t n;
    if (!elf || elf_getphdrnum(elf, &n) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr phdr;
        if (gelf_getphdr(elf, (int)i, &phdr) && phdr.p_type == PT_LOAD) {
            b->first_vaddr = phdr.p_vaddr;
            return true;
        }
    }
    return false;
}

bool binary_open(const char *path, const uint8_t *build_id, size_t len, binary **out, failure *why)
{
    *out = NULL;
    binary *b = calloc(1, sizeof *b);
    if (!b)
        return failure_set(why, "out of memory");
    if (binary_report(b, path) && binary_matches(b, build_id, len) && binary_find_first_vaddr(b))
        *out = b;
    else
        binary_close(b);
    return true;
}

uint64_t binary_first_vaddr(const binary *b)
{
    return b->first_vaddr;
}

/* Whether vaddr lies in a section of instructions (not in data, which a
 * call never returns to). */
static bool binary_is_code(binary *b, uint64_t vaddr)
{
    Dwarf_Addr relative = vaddr, bias;
    Elf_Scn *scn = dwfl_module_address_section(b->module, &relative, &bias);
    GElf_Shdr shdr;
    return scn && gelf_getshdr(scn, &shdr) && (shdr.sh_flags & SHF_EXECINSTR);
}

bool binary_code(binary *b, uint64_t vaddr, bool *is_code, frame_site *out, failure *why)
{
    *out = (frame_site){0};
    *is_code = binary_is_code(b, vaddr);
    return !*is_code || frame_at(b->module, vaddr, out, why);
}

static int binary_symbol_order(const void *x, const void *y)
{
    const binary_symbol *a = x, *b = y;
    return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* The module's defined data objects, sorted by address. */
static bool binary_sort_data(binary *b, failure *why)
{
    int n = dwfl_module_getsymtab(b->module);
    size_t cap = 0;
    for (int i = 0; i < n; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        Elf *elf;
        Dwarf_Addr bias;
        const char *name = dwfl_module_getsym_info(b->module, i, &sym, &addr, &shndx, &elf, &bias);
        if (!name || !*name || GELF_ST_TYPE(sym.st_info) != STT_OBJECT || shndx == SHN_UNDEF)
            continue;
        if (!grow_for(&b->data, b->ndata, &cap, sizeof *b->data, 64))
            return failure_set(why, "out of memory");
        b->data[b->ndata++] = (binary_symbol){addr, sym.st_size, name};
    }
    qsort(b->data, b->ndata, sizeof *b->data, binary_symbol_order);
    b->sorted = true;
    return true;
}

bool binary_data(binary *b, uint64_t vaddr, const char **name, uint64_t *offset, failure *why)
{
    *name = NULL;
    *offset = 0;
    if (!b->sorted && !binary_sort_data(b, why))
        return false;
    /* The last symbol at or below vaddr. */
    size_t lo = 0, hi = b->ndata;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->data[mid].addr <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    const binary_symbol *sym = lo ? &b->data[lo - 1] : NULL;
    if (sym && (vaddr - sym->addr < sym->size || vaddr == sym->addr)) {
        *name = sym->name;
        *offset = vaddr - sym->addr;
    }
    return true;
}

void binary_close(binary *b)
{
    if (!b)
        return;
    if (b->dwfl)
        dwfl_end(b->dwfl);
    free(b->data);
    free(b);
}
