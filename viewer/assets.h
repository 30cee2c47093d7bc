/*
 * assets.h - the page (the files of viewer/page), embedded into the program at build
 * time by cmake/embed_files.cmake: no file is read at run time.
 */
#ifndef THRACE_VIEWER_ASSETS_H
#define THRACE_VIEWER_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path; /* "/app.js" */
    const char *type; /* its Content-Type */
    const char *bytes;
    size_t size;
    const char *etag; /* quoted, a hash of the bytes computed at build time */
} assets_file;

/* The file served at path ("/" is /index.html), or NULL. */
const assets_file *assets_find(const char *path);

#endif
