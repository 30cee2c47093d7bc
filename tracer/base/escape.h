/*
 * escape.h - text that is not ours (a path, a log message, a name) made
 * safe to print on one line of a terminal: its control characters written
 * as C escapes, so that a newline cannot split a line and an escape
 * sequence cannot drive the terminal. Everything else passes unchanged
 * (UTF-8 included), backslashes too: escaping twice changes nothing.
 * Also where valid UTF-8 ends, for the formats that must hold only that.
 */
#ifndef THRACE_TRACER_BASE_ESCAPE_H
#define THRACE_TRACER_BASE_ESCAPE_H

#include <stddef.h>

/*
 * Copies text into out (size bytes, size >= 1), a control character as
 * \n, \r, \t or \xHH (ESC is \x1b, DEL \x7f); cut before the escape or the
 * byte that would not fit. Returns out.
 */
char *escape_controls(const char *text, char *out, size_t size);

/*
 * The length of the character at s (a NUL-terminated string): 1 for ASCII,
 * 2 to 4 for a well-formed UTF-8 sequence, 0 for a byte that starts none
 * (a stray continuation, an overlong form, a surrogate, past U+10FFFF):
 * for writers of formats that must hold valid UTF-8 (JSON, XML).
 */
size_t escape_utf8_length(const char *s);

/*
 * The characters of s (a NUL-terminated string): its UTF-8 code points,
 * each byte that starts none counted as one. What Python's %-10s pads by,
 * and so the width of a column of names.
 */
size_t escape_chars(const char *s);

#endif
