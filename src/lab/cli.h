/* lru-sim's command line (docs/11-page-replacement.md), apart from main()
 * so that the unit tests can run it. Host only. */
#ifndef LAB_CLI_H
#define LAB_CLI_H

#include <stdio.h>

#include "lab/trace.h"

/* Exit statuses. */
#define LRU_SIM_OK     0
#define LRU_SIM_FAILED 1 /* the trace is bad or unreadable, out of memory, gnuplot failed */
#define LRU_SIM_USAGE  2 /* a bad option or option value */

/* Run lru-sim with these arguments (argv[0] is the program's name),
 * reading a trace named "-" from `in`, writing results to `out` and errors
 * to `err`; the exit status. */
int lru_sim_main(int argc, char **argv, FILE *in, FILE *out, FILE *err);
/* Read a whole trace from f into t, which must be empty: LRU_SIM_OK, or
 * LRU_SIM_FAILED after a message on err that calls the input `shown` and
 * names the bad line. */
int lru_sim_read_trace(FILE *f, const char *shown, struct trace *t, FILE *err);

#endif
