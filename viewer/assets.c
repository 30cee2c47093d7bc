/*
 * assets.c - finds the embedded page's files by path. The table is
 * generated (page_files.h) and constant.
 */
#include "assets.h"

#include "page_files.h"

#include <string.h>

const assets_file *assets_find(const char *path)
{
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    for (size_t i = 0; i < page_files_count; i++)
        if (strcmp(page_files[i].path, path) == 0)
            return &page_files[i];
    return NULL;
}
