/*
 * check_output.c - the report written as JUnit XML and as JSON
 * (check_output.h). Problem texts quote the trace (thread names, log
 * lines), which may hold anything: both writers pass valid UTF-8 through,
 * write a byte that is not as \xHH, and escape the rest by their format's
 * rules (a control character, which XML 1.0 cannot hold even escaped, is
 * written as \xHH there too).
 */
#include "check_output.h"

#include <inttypes.h>
#include <string.h>

/* Writes the escape of an ASCII byte into out (8 bytes); false: c as it is. */
typedef bool check_output_escaper(unsigned char c, char out[8]);

static void check_output_text(FILE *out, const char *text, check_output_escaper *escape)
{
    char esc[8];
    for (const unsigned char *s = (const unsigned char *)text; *s;) {
        size_t n = escape_utf8_length((const char *)s);
        if (n == 0)
            fprintf(out, "\\x%02x", *s);
        else if (n == 1 && escape(*s, esc))
            fputs(esc, out);
        else
            fwrite(s, 1, n, out);
        s += n ? n : 1;
    }
}

static bool check_output_xml_escape(unsigned char c, char out[8])
{
    const char *named = c == '&'   ? "&amp;"
                        : c == '<' ? "&lt;"
                        : c == '>' ? "&gt;"
                        : c == '"' ? "&quot;"
                                   : NULL;
    if (named)
        return snprintf(out, 8, "%s", named) > 0;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
        return snprintf(out, 8, "\\x%02x", c) > 0;
    return false;
}

static bool check_output_json_escape(unsigned char c, char out[8])
{
    if (c == '"' || c == '\\')
        return snprintf(out, 8, "\\%c", c) > 0;
    if (c == '\n')
        return snprintf(out, 8, "\\n") > 0;
    if (c < 0x20 || c == 0x7f)
        return snprintf(out, 8, "\\u%04x", c) > 0;
    return false;
}

static void check_output_xml(FILE *out, const char *text)
{
    check_output_text(out, text, check_output_xml_escape);
}

/* text as a JSON string, quotes included; NULL as null. */
static void check_output_json_string(FILE *out, const char *text)
{
    if (!text) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    check_output_text(out, text, check_output_json_escape);
    fputc('"', out);
}

/* ---- JUnit XML ---------------------------------------------------------- */

/* How many checks, and checks with problems, trace_id has. */
static void check_output_count(const check_report *r, int64_t trace_id, size_t *tests,
                               size_t *failures)
{
    *tests = *failures = 0;
    for (size_t i = 0; i < r->ncases; i++)
        if (r->cases[i].trace_id == trace_id) {
            ++*tests;
            *failures += r->cases[i].problems > 0;
        }
}

/* A check's failure: its first headline as the message, its problems as the body. */
static void check_output_failure(const check_report *r, size_t c, FILE *out)
{
    const check_problem *first = NULL;
    for (size_t i = 0; i < r->nlist; i++) {
        if (r->list[i].check != c)
            continue;
        if (!first) {
            first = &r->list[i];
            char headline[1024];
            snprintf(headline, sizeof headline, "%.*s", (int)first->headline, first->text);
            fprintf(out, "      <failure type=\"%s\" message=\"", r->cases[c].kind);
            check_output_xml(out, headline);
            fputs("\">", out);
        } else {
            fputs("\n\n", out);
        }
        check_output_xml(out, r->list[i].text);
    }
    fputs("</failure>\n", out);
}

/* How many notes check c told. */
static size_t check_output_notes_of(const check_report *r, size_t c)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nnotes; i++)
        n += r->notes[i].check == c;
    return n;
}

/* A check's notes (what the trace could not tell it, no failure) as its
 * <system-out>, a line each, as the terminal tells them. */
static void check_output_notes(const check_report *r, size_t c, FILE *out)
{
    fputs("      <system-out>", out);
    for (size_t i = 0, told = 0; i < r->nnotes; i++) {
        if (r->notes[i].check != c)
            continue;
        fputs(told++ ? "\nnote: " : "note: ", out);
        check_output_xml(out, r->notes[i].text);
    }
    fputs("</system-out>\n", out);
}

static void check_output_suite(const check_report *r, const check_output_about *a, int64_t trace_id,
                               FILE *out)
{
    size_t tests, failures;
    check_output_count(r, trace_id, &tests, &failures);
    fputs("  <testsuite name=\"", out);
    check_output_xml(out, a->db_path);
    fprintf(out, ": trace %" PRId64 "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", trace_id,
            tests, failures);
    for (size_t c = 0; c < r->ncases; c++) {
        if (r->cases[c].trace_id != trace_id)
            continue;
        size_t notes = check_output_notes_of(r, c);
        fputs("    <testcase classname=\"thrace.check\" name=\"", out);
        check_output_xml(out, r->cases[c].name);
        fputs(r->cases[c].problems || notes ? "\">\n" : "\"/>\n", out);
        if (r->cases[c].problems)
            check_output_failure(r, c, out);
        if (notes)
            check_output_notes(r, c, out);
        if (r->cases[c].problems || notes)
            fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n", out);
}

/* Whether check c is the first of its trace (its suite starts there). */
static bool check_output_first_of_trace(const check_report *r, size_t c)
{
    for (size_t i = 0; i < c; i++)
        if (r->cases[i].trace_id == r->cases[c].trace_id)
            return false;
    return true;
}

bool check_output_junit(const check_report *r, const check_output_about *a, FILE *out)
{
    size_t failures = 0;
    for (size_t c = 0; c < r->ncases; c++)
        failures += r->cases[c].problems > 0;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"thrace check\" tests=\"%zu\" failures=\"%zu\">\n", r->ncases,
            failures);
    for (size_t c = 0; c < r->ncases; c++)
        if (check_output_first_of_trace(r, c))
            check_output_suite(r, a, r->cases[c].trace_id, out);
    fputs("</testsuites>\n", out);
    return !ferror(out);
}

/* ---- JSON ---------------------------------------------------------------- */

static void check_output_json_checks(const check_report *r, FILE *out)
{
    fputs("  \"checks\": [", out);
    for (size_t c = 0; c < r->ncases; c++) {
        fprintf(out, "%s\n    {\"name\": ", c ? "," : "");
        check_output_json_string(out, r->cases[c].name);
        fputs(", \"kind\": ", out);
        check_output_json_string(out, r->cases[c].kind);
        fprintf(out, ", \"trace\": %" PRId64 ", \"problems\": %zu}", r->cases[c].trace_id,
                r->cases[c].problems);
    }
    fputs(r->ncases ? "\n  ],\n" : "],\n", out);
}

/* "key": the n problems or notes of list, each with its check; more: a
 * member follows. */
static void check_output_json_list(const check_report *r, const char *key,
                                   const check_problem *list, size_t n, bool more, FILE *out)
{
    fprintf(out, "  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        const check_case *c = &r->cases[list[i].check];
        fprintf(out, "%s\n    {\"kind\": ", i ? "," : "");
        check_output_json_string(out, c->kind);
        fputs(", \"check\": ", out);
        check_output_json_string(out, c->name);
        fprintf(out, ", \"trace\": %" PRId64 ", \"text\": ", c->trace_id);
        check_output_json_string(out, list[i].text);
        fputc('}', out);
    }
    fprintf(out, "%s%s\n", n ? "\n  ]" : "]", more ? "," : "");
}

bool check_output_json(const check_report *r, const check_output_about *a, FILE *out)
{
    fputs("{\n  \"database\": ", out);
    check_output_json_string(out, a->db_path);
    fputs(",\n  \"expect\": ", out);
    check_output_json_string(out, a->expect_path);
    fprintf(out, ",\n  \"verdict\": \"%s\",\n  \"threads\": %zu,\n", r->problems ? "fail" : "pass",
            a->threads);
    check_output_json_checks(r, out);
    check_output_json_list(r, "problems", r->list, r->nlist, true, out);
    check_output_json_list(r, "notes", r->notes, r->nnotes, false, out);
    fputs("}\n", out);
    return !ferror(out);
}
