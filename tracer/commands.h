/*
 * commands.h - the entry points of the `thrace` commands, one per file of
 * the same name (record.c, ingest.c, log.c, stats.c). Each gets its argv
 * with argv[0] the command's name and returns the exit status (cli.h).
 */
#ifndef THRACE_COMMANDS_H
#define THRACE_COMMANDS_H

int record_main(int argc, char **argv);
int ingest_main(int argc, char **argv);
int log_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int serve_main(int argc, char **argv); /* viewer/serve.c */
int check_main(int argc, char **argv);
int deadlocks_main(int argc, char **argv);
int daemon_main(int argc, char **argv);

#endif
