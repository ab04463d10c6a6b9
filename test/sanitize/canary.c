/*
 * Canaries of test/sanitize/asan.sh: two deliberate bugs, built with the same
 * sanitizer flags as azure_blob.so and loaded into the same server, to show
 * that a finding in an extension's code reaches the log files the script
 * checks (and ends the backend). Never installed anywhere but the script's
 * private copy of PostgreSQL.
 */
#include "postgres.h"
#include "fmgr.h"

#include <stdlib.h>

PG_MODULE_MAGIC;

/* Reads byte n of an 8-byte malloc'd block: n = 8 is a heap-buffer-overflow. */
PG_FUNCTION_INFO_V1(azb_canary_heap_overflow);
Datum
azb_canary_heap_overflow(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(0);
	char	   *p = malloc(8);
	volatile char c;

	memset(p, 1, 8);
	c = p[n];
	free(p);
	PG_RETURN_INT32(c);
}

/* 1 << n: n = 40 is a shift exponent too large for int (UBSan "shift"). */
PG_FUNCTION_INFO_V1(azb_canary_shift);
Datum
azb_canary_shift(PG_FUNCTION_ARGS)
{
	volatile int32 n = PG_GETARG_INT32(0);

	PG_RETURN_INT32(1 << n);
}
