/*
 * serve.c - `thrace serve FILE.db [--port N] [--bind ADDR]`: the viewer's
 * command line and the server's life. Starts the server (server.c: the
 * database read-only, the address bound, libmicrohttpd's threads), prints
 * the address, and stops cleanly on SIGINT or SIGTERM: the signals are
 * blocked in every thread and taken by sigwait in this one, so no handler
 * runs inside a request.
 */
#include "cli.h"
#include "commands.h"
#include "server.h"

#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

enum { DEFAULT_PORT = 8080 };

typedef struct {
    const char *db_path;
    const char *bind;
    int port;
} serve_options;

static const char usage[] =
    "usage: thrace serve FILE.db [--port N] [--bind ADDR]\n"
    "\n"
    "Serves the trace's timelines to a browser: one lane per thread and per\n"
    "object, the log, the contention figures. The database is only read.\n"
    "\n"
    "  --port N     the TCP port (default 8080; 0 picks a free one)\n"
    "  --bind ADDR  the IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  -h, --help   this help\n";

static int parse_port(const char *text, int *port)
{
    return cli_parse_port(text, port)
               ? CLI_OK
               : cli_usage_error("serve", "--port: not a port number (0 to 65535)");
}

static int parse(int argc, char **argv, serve_options *o)
{
    static const struct option longopts[] = {{"port", required_argument, NULL, 'p'},
                                             {"bind", required_argument, NULL, 'b'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c, rc;
    optind = 1;
    opterr = 0; /* our own one-line message instead */
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'p' && (rc = parse_port(optarg, &o->port)) != CLI_OK)
            return rc;
        if (c == 'b')
            o->bind = optarg;
        else if (c == 'h')
            return fputs(usage, stdout) < 0 ? CLI_FAIL : -1;
        else if (c == ':')
            return cli_usage_error("serve", "option '%s' needs a value", argv[optind - 1]);
        else if (c != 'p')
            return cli_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("serve", "expected one database, FILE.db");
    o->db_path = argv[optind];
    return CLI_OK;
}

/* Serves until SIGINT or SIGTERM. */
static int serve(const serve_options *o)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* before any thread starts: they inherit it */
    signal(SIGPIPE, SIG_IGN);
    char err[PATH_MAX + 256]; /* the database's path, or the address, and a reason */
    server *s = server_start(o->db_path, o->bind, o->port, false, err, sizeof err);
    if (!s)
        return cli_error("serve", NULL, "%s", err);
    printf("thrace serve: %s (Ctrl-C to stop)\n", server_url(s));
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    server_stop(s);
    return CLI_OK;
}

int serve_main(int argc, char **argv)
{
    serve_options o = {.bind = "127.0.0.1", .port = DEFAULT_PORT};
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    return serve(&o);
}
