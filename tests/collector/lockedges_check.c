/*
 * lockedges_check.c - `lockedges_check DB...`: exits 1, telling the first
 * difference, when a database's lock_edges rows are not the edges its
 * intervals give (lockedges_oracle.h); for the tests of recorded programs.
 */
#include "lockedges_oracle.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        sqlite3 *db;
        char why[512];
        if (sqlite3_open_v2(argv[i], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            fprintf(stderr, "lockedges_check: %s: %s\n", argv[i], sqlite3_errmsg(db));
            return 1;
        }
        bool ok = lockedges_oracle_check(db, why, sizeof why);
        sqlite3_close(db);
        if (!ok) {
            fprintf(stderr, "lockedges_check: %s: %s\n", argv[i], why);
            return 1;
        }
    }
    return 0;
}
