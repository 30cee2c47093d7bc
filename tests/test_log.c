/*
 * test_log.c - Python's logging as thrace_log_config and thrace_debug & co.
 * give it: every %-style directive with its flags, width and precision (in
 * characters, not bytes), the defaults before any configuration, level
 * filtering, rejected formats that leave the configuration in force, the
 * call site of the macros and of the function forms, thread names, and whole
 * lines from many threads at once. Each case captures stderr and compares
 * what was written with what Python's logging writes.
 */
#include "harness.h"

#include <regex.h>
#include <unistd.h>

#define TRACE_FORMAT "(%(threadName)-10s) %(message)s"

/* Configures a format that must compile. */
static void config(const char *format, int level)
{
    int rc = thrace_log_config(format, level);
    if (rc != THRACE_OK)
        harness_fail(__FILE__, __LINE__, "thrace_log_config(\"%s\"): %s", format ? format : "NULL",
                     thrace_error_name(rc));
}

/* Logs one DEBUG line "x" with format and returns what it printed. */
static char *render(const char *format)
{
    config(format, THRACE_LOG_DEBUG);
    harness_capture_begin();
    thrace_debug("x");
    return harness_capture_end();
}

/* Fails unless text matches the POSIX extended regular expression. */
static void assert_match(const char *pattern, const char *text, int line)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        harness_fail(__FILE__, line, "bad pattern %s", pattern);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc != 0)
        harness_fail(__FILE__, line, "\"%s\" does not match /%s/", text, pattern);
}
#define ASSERT_MATCH(pattern, text) assert_match((pattern), (text), __LINE__)

/* Runs fn(arg) in a thread with the given name (NULL: Thread-N), joined. */
static void run_thread(void (*fn)(void *), void *arg, const char *name)
{
    thrace_thread_opts opts = {.name = name};
    thrace_thread *t = thrace_thread_new(fn, arg, &opts);
    ASSERT_TRUE(t != NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    thrace_thread_unref(t);
}

static void log_x(void *arg)
{
    (void)arg;
    thrace_debug("x");
}

/* ---- defaults and levels ------------------------------------------------ */

TEST(log_defaults_to_warning_and_levelname_name_message)
{
    harness_capture_begin();
    thrace_debug("dropped");
    thrace_info("dropped too");
    thrace_warning("msg");
    thrace_error("error %d", 2);
    thrace_critical("critical");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("WARNING:root:msg\nERROR:root:error 2\nCRITICAL:root:critical\n", out);
    free(out);
}

TEST(log_config_null_format_is_the_default_format)
{
    config("%(message)s", THRACE_LOG_WARNING);
    config(NULL, THRACE_LOG_DEBUG);
    harness_capture_begin();
    thrace_debug("d");
    thrace_info("i");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("DEBUG:root:d\nINFO:root:i\n", out);
    free(out);
}

TEST(log_level_drops_records_below_it)
{
    config("%(levelname)s %(message)s", THRACE_LOG_INFO);
    harness_capture_begin();
    thrace_debug("no");
    thrace_info("yes");
    thrace_log(15, "no");
    thrace_log(20, "twenty");
    thrace_log(25, "custom");
    thrace_warning("w");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("INFO yes\nINFO twenty\nLevel 25 custom\nWARNING w\n", out);
    free(out);
}

TEST(log_level_error_keeps_error_and_critical_only)
{
    config("%(levelname)s", THRACE_LOG_ERROR);
    harness_capture_begin();
    thrace_debug("d");
    thrace_info("i");
    thrace_warning("w");
    thrace_error("e");
    thrace_critical("c");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("ERROR\nCRITICAL\n", out);
    free(out);
}

TEST(log_custom_levels_are_named_level_n)
{
    config("%(levelname)s|%(levelno)d|%(levelname)-10s|%(message)s", 0);
    harness_capture_begin();
    thrace_log(25, "a");
    thrace_log(5, "b");
    thrace_log(THRACE_LOG_CRITICAL, "c");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("Level 25|25|Level 25  |a\nLevel 5|5|Level 5   |b\nCRITICAL|50|CRITICAL  |c\n",
                  out);
    free(out);
}

TEST(log_levelname_and_levelno_of_every_level)
{
    config("%(levelname)s %(levelno)d %(message)s", THRACE_LOG_DEBUG);
    harness_capture_begin();
    thrace_debug("d");
    thrace_info("i");
    thrace_warning("w");
    thrace_error("e");
    thrace_critical("c");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("DEBUG 10 d\nINFO 20 i\nWARNING 30 w\nERROR 40 e\nCRITICAL 50 c\n", out);
    free(out);
}

/* ---- directives --------------------------------------------------------- */

TEST(log_message_is_printf_formatted_and_kept_verbatim)
{
    config("%(message)s", THRACE_LOG_DEBUG);
    harness_capture_begin();
    thrace_debug("Sleeping %0.2f", 0.18);
    thrace_debug("%s and %d%%", "50%(message)s", 7);
    thrace_debug("%s", "");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("Sleeping 0.18\n50%(message)s and 7%\n\n", out);
    free(out);
}

TEST(log_threadname_pads_left_justified_to_width)
{
    char *out = render(TRACE_FORMAT);
    ASSERT_STR_EQ("(MainThread) x\n", out);
    free(out);
    config(TRACE_FORMAT, THRACE_LOG_DEBUG);
    harness_capture_begin();
    run_thread(log_x, NULL, "worker");
    run_thread(log_x, NULL, "my_service_long");
    out = harness_capture_end();
    ASSERT_STR_EQ("(worker    ) x\n(my_service_long) x\n", out);
    free(out);
}

TEST(log_threadname_pads_right_justified_without_minus)
{
    config("(%(threadName)10s)", THRACE_LOG_DEBUG);
    harness_capture_begin();
    run_thread(log_x, NULL, "worker");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("(    worker)\n", out);
    free(out);
}

TEST(log_precision_truncates_text)
{
    char *out = render("%(threadName).3s|%(threadName)-6.4s|%(threadName)6.2s|%(levelname).0s|");
    ASSERT_STR_EQ("Mai|Main  |    Ma||\n", out);
    free(out);
}

TEST(log_width_counts_utf8_characters_not_bytes)
{
    config(TRACE_FORMAT, THRACE_LOG_DEBUG);
    harness_capture_begin();
    run_thread(log_x, NULL, "工人");
    run_thread(log_x, NULL, "生产者线程名字很长的");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("(工人        ) x\n(生产者线程名字很长的) x\n", out);
    free(out);
}

TEST(log_precision_counts_utf8_characters_not_bytes)
{
    config("[%(threadName).2s][%(threadName)5.1s][%(message)-4s]", THRACE_LOG_DEBUG);
    harness_capture_begin();
    run_thread(log_x, NULL, "消费者");
    thrace_debug("值");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("[消费][    消][x   ]\n[Ma][    M][值   ]\n", out);
    free(out);
}

TEST(log_numeric_flags_width_and_precision)
{
    char *out = render("%(levelno)05d|%(levelname)-8s|%(levelno)-5d|%(levelno)+d|%(levelno)x|"
                       "%(levelno)#o|%(levelno).3f|%(levelno)e");
    ASSERT_STR_EQ("00010|DEBUG   |10   |+10|a|0o12|10.000|1.000000e+01\n", out);
    free(out);
}

TEST(log_percent_percent_is_a_literal_percent)
{
    char *out = render("100%% %(message)s %%(message)s%%");
    ASSERT_STR_EQ("100% x %(message)s%\n", out);
    free(out);
}

TEST(log_format_without_directives_prints_it_as_is)
{
    char *out = render("plain text");
    ASSERT_STR_EQ("plain text\n", out);
    free(out);
    out = render("");
    ASSERT_STR_EQ("\n", out);
    free(out);
}

TEST(log_name_is_root_and_process_name_is_main_process)
{
    char *out = render("%(name)s %(processName)s %(name)-6s| %(processName).4s");
    ASSERT_STR_EQ("root MainProcess root  | Main\n", out);
    free(out);
}

TEST(log_asctime_is_local_date_time_and_milliseconds)
{
    char *out = render("%(asctime)s (%(threadName)-2s) %(message)s");
    ASSERT_MATCH("^[0-9]{4}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9],[0-9]{3} "
                 "\\(MainThread\\) x\n$",
                 out);
    free(out);
}

TEST(log_msecs_and_created_agree_with_the_clock)
{
    double before = (double)time(NULL);
    char *out = render("%(created)f %(msecs)d %(msecs)s");
    double created;
    int msecs;
    char msecs_str[32];
    ASSERT_EQ(3, sscanf(out, "%lf %d %31s", &created, &msecs, msecs_str));
    ASSERT_TRUE(created >= before && created <= before + 5);
    ASSERT_TRUE(msecs >= 0 && msecs <= 999);
    ASSERT_MATCH("^[0-9]+\\.0$", msecs_str); /* Python's msecs is a float */
    free(out);
}

TEST(log_relative_created_is_non_negative_and_grows)
{
    config("%(relativeCreated)d", THRACE_LOG_DEBUG);
    harness_capture_begin();
    thrace_debug("a");
    thrace_sleep(0.05);
    thrace_debug("b");
    char *out = harness_capture_end();
    long first = -1, second = -1;
    ASSERT_EQ(2, sscanf(out, "%ld\n%ld\n", &first, &second));
    ASSERT_TRUE(first >= 0);
    ASSERT_TRUE(second - first >= 40);
    ASSERT_TRUE(second - first < 5000);
    free(out);
}

static void log_thread_ident(void *arg)
{
    char *expected = arg;
    snprintf(expected, 32, "%lu\n", thrace_thread_ident(thrace_current_thread()));
    thrace_debug("x");
}

TEST(log_thread_is_the_ident_of_the_logging_thread)
{
    char main_expected[32], worker_expected[32];
    config("%(thread)d", THRACE_LOG_DEBUG);
    harness_capture_begin();
    log_thread_ident(main_expected);
    run_thread(log_thread_ident, worker_expected, NULL);
    char *out = harness_capture_end();
    char expected[64];
    snprintf(expected, sizeof expected, "%s%s", main_expected, worker_expected);
    ASSERT_STR_EQ(expected, out);
    ASSERT_TRUE(strcmp(main_expected, worker_expected) != 0);
    ASSERT_TRUE(strcmp(main_expected, "0\n") != 0);
    free(out);
}

TEST(log_process_is_getpid)
{
    char expected[32];
    snprintf(expected, sizeof expected, "%ld|%ld\n", (long)getpid(), (long)getpid());
    char *out = render("%(process)d|%(process)s");
    ASSERT_STR_EQ(expected, out);
    free(out);
}

static void log_from_here(int *line)
{
    *line = __LINE__ + 1;
    thrace_info("here");
}

TEST(log_call_site_is_where_the_macro_was_used)
{
    config("%(filename)s:%(lineno)d:%(funcName)s:%(module)s:%(levelname)s:%(message)s",
           THRACE_LOG_DEBUG);
    int line;
    harness_capture_begin();
    log_from_here(&line);
    char *out = harness_capture_end();
    char expected[128];
    snprintf(expected, sizeof expected, "test_log.c:%d:log_from_here:test_log:INFO:here\n", line);
    ASSERT_STR_EQ(expected, out);
    free(out);
}

TEST(log_pathname_is_the_file_as_compiled)
{
    config("%(pathname)s|%(lineno)5d|%(funcName)-40s|", THRACE_LOG_DEBUG);
    harness_capture_begin();
    int line = __LINE__ + 1;
    thrace_debug("x");
    char *out = harness_capture_end();
    char expected[1024];
    snprintf(expected, sizeof expected, "%s|%5d|%-40s|\n", __FILE__, line, __func__);
    ASSERT_STR_EQ(expected, out);
    free(out);
}

TEST(log_function_forms_report_an_unknown_call_site)
{
    config("%(filename)s:%(lineno)d:%(funcName)s:%(module)s:%(levelname)s:%(message)s",
           THRACE_LOG_DEBUG);
    void (*debug)(const char *, ...) = &thrace_debug;
    void (*critical)(const char *, ...) = thrace_critical;
    void (*log)(int, const char *, ...) = &thrace_log;
    harness_capture_begin();
    debug("d %d", 1);
    (thrace_info)("i");
    (thrace_warning)("w");
    (thrace_error)("e");
    critical("c");
    log(25, "l %s", "x");
    (thrace_log)(THRACE_LOG_DEBUG, "L");
    char *out = harness_capture_end();
#define UNKNOWN "(unknown file):0:(unknown function):(unknown file):"
    ASSERT_STR_EQ(UNKNOWN "DEBUG:d 1\n" UNKNOWN "INFO:i\n" UNKNOWN "WARNING:w\n" UNKNOWN
                          "ERROR:e\n" UNKNOWN "CRITICAL:c\n" UNKNOWN "Level 25:l x\n" UNKNOWN
                          "DEBUG:L\n",
                  out);
#undef UNKNOWN
    free(out);
}

TEST(log_function_forms_obey_the_level)
{
    void (*info)(const char *, ...) = &thrace_info;
    harness_capture_begin();
    info("dropped at the default WARNING");
    (thrace_warning)("kept");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("WARNING:root:kept\n", out);
    free(out);
}

/* ---- rejected formats ----------------------------------------------------- */

/* Each invalid format is EINVAL and leaves the previous configuration. */
TEST(log_invalid_formats_are_einval_and_change_nothing)
{
    static const char *const invalid[] = {
        "%(nosuchkey)s",                  /* unknown key */
        "%(threadName-10s %(message)s",   /* missing ')' */
        "%(threadName",                   /* missing ')' at the end */
        "(%(threadName-10s) %(message)s", /* ')' too late: unknown key */
        "%d %(message)s",                 /* a lone %d */
        "%(message)s %s",                 /* a lone %s */
        "%(threadName)d",                 /* number conversion of text */
        "%(message)f",                    /* same */
        "%(levelname)x",                  /* same */
        "%(message)",                     /* no conversion */
        "%(message)-10",                  /* no conversion after the width */
        "%(message)q",                    /* unknown conversion */
        "trailing %",                     /* a lone % at the end */
        "%()s",                           /* empty key */
        "%(Message)s",                    /* keys are case sensitive */
    };
    config("keep %(levelname)s %(message)s", THRACE_LOG_INFO);
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        int rc = thrace_log_config(invalid[i], THRACE_LOG_DEBUG);
        if (rc != THRACE_EINVAL)
            harness_fail(__FILE__, __LINE__, "\"%s\": expected THRACE_EINVAL, got %s", invalid[i],
                         thrace_error_name(rc));
    }
    harness_capture_begin();
    thrace_debug("level still INFO");
    thrace_info("format kept");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("keep INFO format kept\n", out);
    free(out);
}

TEST(log_invalid_format_before_any_config_keeps_the_defaults)
{
    ASSERT_CODE(THRACE_EINVAL, thrace_log_config("%(threadName)d", THRACE_LOG_DEBUG));
    harness_capture_begin();
    thrace_info("dropped");
    thrace_warning("kept");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("WARNING:root:kept\n", out);
    free(out);
}

TEST(log_numeric_fields_accept_s_and_number_conversions)
{
    ASSERT_CODE(THRACE_OK, thrace_log_config("%(lineno)s %(thread)s %(levelno)i", 0));
    ASSERT_CODE(THRACE_OK, thrace_log_config("%(relativeCreated)s %(created)d", 0));
    ASSERT_CODE(THRACE_OK, thrace_log_config("%(message)r %(threadName)a", 0));
}

/* ---- thread names ---------------------------------------------------------- */

typedef struct {
    thrace_event renamed;
    thrace_event logged;
} rename_steps;

static void log_around_rename(void *arg)
{
    rename_steps *s = arg;
    thrace_debug("before");
    thrace_event_set(&s->logged);
    thrace_event_wait(&s->renamed, THRACE_FOREVER);
    thrace_debug("after");
    thrace_thread_set_name(thrace_current_thread(), "self-named");
    thrace_debug("again");
}

TEST(log_shows_worker_names_and_renames)
{
    config(TRACE_FORMAT, THRACE_LOG_DEBUG);
    rename_steps s;
    thrace_event_init(&s.renamed);
    thrace_event_init(&s.logged);
    harness_capture_begin();
    thrace_thread *t = thrace_thread_new(log_around_rename, &s, NULL);
    char expected[256];
    snprintf(expected, sizeof expected, "(%-10s) before\n(renamed   ) after\n(self-named) again\n",
             thrace_thread_name(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s.logged, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_thread_set_name(t, "renamed"));
    thrace_event_set(&s.renamed);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    char *out = harness_capture_end();
    ASSERT_STR_EQ(expected, out);
    ASSERT_MATCH("^\\(Thread-[0-9]+ *\\) before\n", out);
    free(out);
    thrace_thread_unref(t);
    thrace_event_destroy(&s.renamed);
    thrace_event_destroy(&s.logged);
}

TEST(log_shows_a_renamed_main_thread)
{
    config(TRACE_FORMAT, THRACE_LOG_DEBUG);
    ASSERT_CODE(THRACE_OK, thrace_thread_set_name(thrace_main_thread(), "Main"));
    harness_capture_begin();
    thrace_debug("x");
    char *out = harness_capture_end();
    ASSERT_STR_EQ("(Main      ) x\n", out);
    free(out);
}

TEST(log_default_names_follow_thread_n)
{
    config("%(threadName)s", THRACE_LOG_DEBUG);
    thrace_thread *t[3];
    for (int i = 0; i < 3; i++)
        ASSERT_TRUE((t[i] = thrace_thread_new(log_x, NULL, NULL)) != NULL);
    harness_capture_begin();
    for (int i = 0; i < 3; i++) {
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t[i]));
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t[i], THRACE_FOREVER));
    }
    char *out = harness_capture_end();
    char expected[128];
    snprintf(expected, sizeof expected, "%s\n%s\n%s\n", thrace_thread_name(t[0]),
             thrace_thread_name(t[1]), thrace_thread_name(t[2]));
    ASSERT_STR_EQ(expected, out);
    ASSERT_MATCH("^Thread-[0-9]+\nThread-[0-9]+\nThread-[0-9]+\n$", out);
    free(out);
    for (int i = 0; i < 3; i++)
        thrace_thread_unref(t[i]);
}

static void *log_from_foreign_thread(void *arg)
{
    (void)arg;
    thrace_debug("x");
    return NULL;
}

TEST(log_names_a_thread_thrace_did_not_start_dummy_n)
{
    config(TRACE_FORMAT, THRACE_LOG_DEBUG);
    pthread_t t;
    harness_capture_begin();
    ASSERT_EQ(0, pthread_create(&t, NULL, log_from_foreign_thread, NULL));
    ASSERT_EQ(0, pthread_join(t, NULL));
    char *out = harness_capture_end();
    ASSERT_MATCH("^\\(Dummy-[0-9]+ *\\) x\n$", out);
    free(out);
}

/* ---- many threads at once -------------------------------------------------- */

enum { LOGGERS = 8, LINES = 200 };

typedef struct {
    thrace_barrier *start;
    int index;
} logger_arg;

static void log_many(void *arg)
{
    logger_arg *a = arg;
    thrace_barrier_wait(a->start, THRACE_FOREVER, NULL);
    for (int i = 0; i < LINES; i++)
        thrace_info("line %03d of logger %d: %s", i, a->index,
                    "the quick brown fox jumps over the lazy dog, "
                    "敏捷的棕色狐狸跳过了懒狗 0123456789abcdefghijklmnopqrstuvwxyz");
}

/* Checks that line is the next one its logger wrote, whole. */
static void check_line(const char *line, int next[LOGGERS])
{
    int logger, n, index, end = 0;
    if (sscanf(line, "(log-%d     ) INFO line %d of logger %d: %n", &logger, &n, &index, &end) !=
            3 ||
        end == 0 || logger < 0 || logger >= LOGGERS || logger != index)
        harness_fail(__FILE__, __LINE__, "mangled line: %s", line);
    char expected[256];
    snprintf(expected, sizeof expected,
             "(log-%d     ) INFO line %03d of logger %d: the quick brown fox jumps over the lazy "
             "dog, 敏捷的棕色狐狸跳过了懒狗 0123456789abcdefghijklmnopqrstuvwxyz",
             logger, next[logger], logger);
    ASSERT_STR_EQ(expected, line);
    next[logger]++;
}

TEST(log_lines_from_many_threads_are_whole_and_none_is_lost)
{
    config("(%(threadName)-10s) %(levelname)s %(message)s", THRACE_LOG_INFO);
    thrace_barrier start;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&start, LOGGERS, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t[LOGGERS];
    logger_arg args[LOGGERS];
    harness_capture_begin();
    for (int i = 0; i < LOGGERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "log-%d", i);
        args[i] = (logger_arg){&start, i};
        thrace_thread_opts opts = {.name = name};
        ASSERT_TRUE((t[i] = thrace_thread_new(log_many, &args[i], &opts)) != NULL);
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t[i]));
    }
    for (int i = 0; i < LOGGERS; i++) {
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t[i], THRACE_FOREVER));
        thrace_thread_unref(t[i]);
    }
    char *out = harness_capture_end();
    size_t len = strlen(out);
    ASSERT_TRUE(len > 0 && out[len - 1] == '\n'); /* nothing after the last line */
    int next[LOGGERS] = {0}, lines = 0;
    for (char *line = out, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1, lines++) {
        *nl = '\0';
        check_line(line, next);
    }
    ASSERT_EQ(LOGGERS * LINES, lines);
    for (int i = 0; i < LOGGERS; i++)
        ASSERT_EQ(LINES, next[i]);
    free(out);
    thrace_barrier_destroy(&start);
}

enum { LONG_LOGGERS = 4, LONG_LINES = 50, LONG_SIZE = 10000 };

static void log_long_lines(void *arg)
{
    char *text = malloc(LONG_SIZE + 1);
    ASSERT_TRUE(text != NULL);
    memset(text, *(const char *)arg, LONG_SIZE);
    text[LONG_SIZE] = '\0';
    for (int i = 0; i < LONG_LINES; i++)
        thrace_warning("%s", text);
    free(text);
}

/* Lines longer than a pipe's atomic write (PIPE_BUF) stay whole too. */
TEST(log_lines_longer_than_pipe_buf_are_whole)
{
    static const char letters[LONG_LOGGERS] = {'a', 'b', 'c', 'd'};
    config("%(message)s", THRACE_LOG_DEBUG);
    thrace_thread *t[LONG_LOGGERS];
    harness_capture_begin();
    for (int i = 0; i < LONG_LOGGERS; i++) {
        ASSERT_TRUE((t[i] = thrace_thread_new(log_long_lines, (void *)&letters[i], NULL)) != NULL);
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t[i]));
    }
    for (int i = 0; i < LONG_LOGGERS; i++) {
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t[i], THRACE_FOREVER));
        thrace_thread_unref(t[i]);
    }
    char *out = harness_capture_end();
    ASSERT_EQ((LONG_SIZE + 1) * LONG_LOGGERS * LONG_LINES, strlen(out));
    for (size_t line = 0; line < LONG_LOGGERS * LONG_LINES; line++) {
        const char *at = out + line * (LONG_SIZE + 1);
        ASSERT_TRUE(strchr("abcd", at[0]) != NULL);
        ASSERT_EQ(LONG_SIZE, strspn(at, (char[]){at[0], '\0'}));
        ASSERT_EQ('\n', at[LONG_SIZE]);
    }
    free(out);
}
