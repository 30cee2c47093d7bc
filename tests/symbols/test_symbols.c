/*
 * test_symbols.c - names from binaries (tracer/symbols/symbols.h), read
 * from this test's own executable as the statedump would tell it
 * (self_binary.h): its calls' return addresses become file:line in
 * function(), its static objects their symbols; what it cannot read (a
 * missing file, another build, the heap) degrades, never fails. C++'s
 * names are demangled (asm labels give C code C++'s mangled names), and a
 * call inlined from a system header (system_header.h, filed under
 * /usr/include/ by a #line) is told at the caller's own line. No
 * recording: it runs under the sanitizers too.
 */
#include "harness.h"
#include "self_binary.h"

#include "symbols.h"

#include <stdint.h>

enum { PID = 42 };

/* Static objects whose addresses have names. */
static int symbols_table[8];
static long symbols_counter;

/* The return address of a call made on the caller's line. */
static __attribute__((noinline)) uint64_t symbols_here(void)
{
    uint64_t ip = (uint64_t)(uintptr_t)__builtin_return_address(0);
    __asm__ volatile("" ::: "memory"); /* no tail call: the return address is the caller's */
    return ip;
}

/* Sets line to the line it is written on, and calls symbols_here from it. */
#define CALL_HERE(line) ((line) = __LINE__, symbols_here())

#include "system_header.h"

/* Inlined into its callers, in the program's own file, as a C program's
 * static inline helpers are: its own frame is the one to tell. */
static inline __attribute__((always_inline)) uint64_t symbols_inlined_here(int *line)
{
    return (*line = __LINE__, symbols_here());
}

/* Named as a C++ compiler names them: thrace::cache::table,
 * (anonymous namespace)::hidden, thrace::here(); and a name that only
 * looks mangled. */
static int symbols_cxx_table[4] __asm__("_ZN6thrace5cache5tableE");
static long symbols_cxx_hidden __asm__("_ZN12_GLOBAL__N_16hiddenE");
static int symbols_not_mangled __asm__("_Znot_a_name");
static uint64_t symbols_cxx_here(int *line) __asm__("_ZN6thrace4hereEPi");

static __attribute__((noinline)) uint64_t symbols_cxx_here(int *line)
{
    uint64_t ip = CALL_HERE(*line);
    __asm__ volatile("" ::: "memory"); /* no tail call */
    return ip;
}

static self_binary self;

/* A symbols knowing this process as PID: its executable at path (NULL:
 * where it is), with build ID id (len 0: none told). */
static symbols *symbols_of_self(const char *path, const uint8_t *id, size_t len)
{
    ASSERT_TRUE(self_binary_get(&self));
    symbols *s = symbols_new();
    ASSERT_TRUE(s != NULL);
    failure why;
    ASSERT_TRUE(symbols_add(s, PID, self.base, self.size, path ? path : self.path, &why));
    ASSERT_TRUE(symbols_build_id(s, PID, self.base, id, len, &why));
    return s;
}

static symbols_site code_at(symbols *s, int64_t pid, uint64_t ip)
{
    symbols_site site;
    failure why;
    if (!symbols_code(s, pid, ip, &site, &why))
        harness_fail(__FILE__, __LINE__, "symbols_code: %s", why.text);
    return site;
}

#define ADDR(p) ((uint64_t)(uintptr_t)(p))

static const char *data_at(symbols *s, int64_t pid, uint64_t addr)
{
    const char *name;
    failure why;
    if (!symbols_data(s, pid, addr, &name, &why))
        harness_fail(__FILE__, __LINE__, "symbols_data: %s", why.text);
    return name;
}

/* Whether text ends with tail. */
static bool ends_with(const char *text, const char *tail)
{
    size_t n = strlen(text), m = strlen(tail);
    return n >= m && strcmp(text + n - m, tail) == 0;
}

/* Asserts that the call returning to ip is the line of this file, in func. */
static void assert_site_here(uint64_t ip, int line, const char *func)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    symbols_site site = code_at(s, PID, ip);
    ASSERT_TRUE(site.file && ends_with(site.file, "test_symbols.c"));
    ASSERT_EQ(line, site.line);
    ASSERT_STR_EQ(func, site.func);
    symbols_free(s);
}

/* The executable's base name and "+0x" and ip's offset from its base. */
static void where_in_self(uint64_t ip, char *buf, size_t size)
{
    const char *slash = strrchr(self.path, '/');
    snprintf(buf, size, "%s+0x%llx", slash ? slash + 1 : self.path,
             (unsigned long long)(ip - self.base));
}

TEST(a_return_address_is_the_file_line_and_function_of_its_call)
{
    int line;
    uint64_t ip = CALL_HERE(line);
    assert_site_here(ip, line, "a_return_address_is_the_file_line_and_function_of_its_call");
}

TEST(a_static_object_is_named_by_its_symbol_and_an_address_inside_by_an_offset)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    ASSERT_STR_EQ("symbols_table", data_at(s, PID, ADDR(&symbols_table[0])));
    ASSERT_STR_EQ("symbols_table+16", data_at(s, PID, ADDR(&symbols_table[4])));
    ASSERT_STR_EQ("symbols_counter", data_at(s, PID, ADDR(&symbols_counter)));
    symbols_free(s);
}

TEST(the_heap_and_addresses_outside_every_binary_have_no_name)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    int *heap = malloc(sizeof *heap);
    ASSERT_TRUE(heap != NULL);
    ASSERT_TRUE(data_at(s, PID, ADDR(heap)) == NULL);
    ASSERT_TRUE(code_at(s, PID, ADDR(heap)).file == NULL);
    ASSERT_TRUE(code_at(s, PID + 1, symbols_here()).file == NULL); /* a process never told */
    free(heap);
    symbols_free(s);
}

TEST(a_data_address_is_no_call_site)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    ASSERT_TRUE(code_at(s, PID, ADDR(&symbols_table[1])).file == NULL);
    symbols_free(s);
}

TEST(a_missing_file_names_code_by_binary_and_offset_and_data_not_at_all)
{
    symbols *s = symbols_of_self("/nonexistent/thrace/symprog", NULL, 0);
    uint64_t ip = symbols_here();
    symbols_site site = code_at(s, PID, ip);
    char expected[64];
    snprintf(expected, sizeof expected, "symprog+0x%llx", (unsigned long long)(ip - self.base));
    ASSERT_STR_EQ(expected, site.file);
    ASSERT_EQ(0, site.line);
    ASSERT_STR_EQ("", site.func);
    ASSERT_TRUE(data_at(s, PID, ADDR(&symbols_table[0])) == NULL);
    symbols_free(s);
}

TEST(a_file_of_another_build_is_not_read)
{
    ASSERT_TRUE(self_binary_get(&self));
    ASSERT_TRUE(self.build_id_len > 0);
    uint8_t other[64];
    memcpy(other, self.build_id, self.build_id_len);
    other[0] ^= 0xff;
    symbols *s = symbols_of_self(NULL, other, self.build_id_len);
    uint64_t ip = symbols_here();
    char expected[PATH_MAX + 32];
    where_in_self(ip, expected, sizeof expected);
    ASSERT_STR_EQ(expected, code_at(s, PID, ip).file);
    ASSERT_TRUE(data_at(s, PID, ADDR(&symbols_table[0])) == NULL);
    symbols_free(s);
}

TEST(a_file_of_the_build_traced_is_read)
{
    ASSERT_TRUE(self_binary_get(&self));
    symbols *s = symbols_of_self(NULL, self.build_id, self.build_id_len);
    int line;
    symbols_site site = code_at(s, PID, CALL_HERE(line));
    ASSERT_EQ(line, site.line);
    ASSERT_STR_EQ("symbols_table", data_at(s, PID, ADDR(&symbols_table[0])));
    symbols_free(s);
}

TEST(processes_loading_one_file_at_other_bases_get_the_same_answers_once)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    failure why;
    uint64_t shift = 0x10000000;
    ASSERT_TRUE(symbols_add(s, PID + 1, self.base + shift, self.size, self.path, &why));
    int line;
    uint64_t ip = CALL_HERE(line);
    symbols_site here = code_at(s, PID, ip), there = code_at(s, PID + 1, ip + shift);
    ASSERT_TRUE(here.file == there.file); /* one cached answer */
    ASSERT_EQ(line, there.line);
    ASSERT_TRUE(data_at(s, PID, ADDR(&symbols_counter)) ==
                data_at(s, PID + 1, ADDR(&symbols_counter) + shift));
    symbols_free(s);
}

TEST(a_cxx_object_is_named_demangled_without_the_anonymous_namespace)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    ASSERT_STR_EQ("thrace::cache::table", data_at(s, PID, ADDR(&symbols_cxx_table[0])));
    ASSERT_STR_EQ("thrace::cache::table+8", data_at(s, PID, ADDR(&symbols_cxx_table[2])));
    ASSERT_STR_EQ("hidden", data_at(s, PID, ADDR(&symbols_cxx_hidden)));
    ASSERT_STR_EQ("_Znot_a_name", data_at(s, PID, ADDR(&symbols_not_mangled)));
    symbols_free(s);
}

TEST(a_cxx_function_is_named_demangled_with_its_parameter_list)
{
    int line;
    uint64_t ip = symbols_cxx_here(&line);
    assert_site_here(ip, line, "thrace::here(int*)");
}

TEST(a_call_inlined_from_the_programs_own_code_is_told_in_the_inlined_function)
{
    int line;
    uint64_t ip = symbols_inlined_here(&line);
    assert_site_here(ip, line, "symbols_inlined_here");
}

/* Inlined into a_call_inlined_twice_is_followed_by_each_function_it_lies_in,
 * calling symbols_inlined_here, itself inlined: two functions inlined. */
static inline __attribute__((always_inline)) uint64_t symbols_inlined_twice(int *line, int *outer)
{
    return (*outer = __LINE__, symbols_inlined_here(line));
}

TEST(a_call_inlined_twice_is_followed_by_each_function_it_lies_in)
{
    int line, outer, test_line;
    uint64_t ip = (test_line = __LINE__, symbols_inlined_twice(&line, &outer));
    symbols *s = symbols_of_self(NULL, NULL, 0);
    symbols_site site = code_at(s, PID, ip);
    ASSERT_EQ(line, site.line);
    ASSERT_STR_EQ("symbols_inlined_here", site.func);
    ASSERT_EQ(2, (int)site.ninlined);
    ASSERT_TRUE(ends_with(site.inlined_by[0].file, "test_symbols.c"));
    ASSERT_EQ(outer, site.inlined_by[0].line);
    ASSERT_STR_EQ("symbols_inlined_twice", site.inlined_by[0].func);
    ASSERT_EQ(test_line, site.inlined_by[1].line);
    ASSERT_STR_EQ("a_call_inlined_twice_is_followed_by_each_function_it_lies_in",
                  site.inlined_by[1].func);
    ASSERT_EQ(0, (int)site.inlined_by[0].ninlined);
    symbols_free(s);
}

TEST(a_call_in_its_own_function_has_nothing_inlined)
{
    int line;
    uint64_t ip = CALL_HERE(line);
    symbols *s = symbols_of_self(NULL, NULL, 0);
    symbols_site site = code_at(s, PID, ip);
    ASSERT_EQ(line, site.line);
    ASSERT_EQ(0, (int)site.ninlined);
    symbols_free(s);
}

TEST(a_call_inlined_from_system_headers_is_told_where_the_program_calls_them)
{
    int line, inner;
    /* system_outer inlines system_inner: two header frames to walk out of. */
    uint64_t ip = (line = __LINE__, system_outer(&inner));
    assert_site_here(ip, line,
                     "a_call_inlined_from_system_headers_is_told_where_the_program_calls_them");
}

TEST(a_call_in_a_system_headers_function_compiled_out_of_line_keeps_the_header_frame)
{
    symbols *s = symbols_of_self(NULL, NULL, 0);
    int line;
    symbols_site site = code_at(s, PID, system_out_of_line(&line));
    /* Out of the inlined system_inner, into the function it lies in: no further. */
    ASSERT_STR_EQ("/usr/include/thrace-test/system_header.h", site.file);
    ASSERT_EQ(line, site.line);
    /* GCC may clone it (system_out_of_line.isra.0): the name begins the same. */
    ASSERT_TRUE(strncmp(site.func, "system_out_of_line", strlen("system_out_of_line")) == 0);
    symbols_free(s);
}
