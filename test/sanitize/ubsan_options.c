/*
 * Preloaded into the postmaster by test/sanitize/asan.sh, after libasan.so.
 *
 * libubsan.so comes into a backend with azure_blob.so and initializes at its
 * first report. By then PostgreSQL has overwritten the process's environment
 * block with its process title, so the runtime, which reads
 * /proc/self/environ, finds no UBSAN_OPTIONS: no log_path, no stack trace.
 * This library copies UBSAN_OPTIONS when the postmaster starts (before main)
 * and hands it to the runtime through the hook the runtime asks for,
 * __ubsan_default_options (UBSAN_OPTIONS, when it can be read, still wins).
 */
#include <stdio.h>
#include <stdlib.h>

static char options[4096];

__attribute__((constructor)) static void
azb_copy_ubsan_options(void)
{
	const char *v = getenv("UBSAN_OPTIONS");

	if (v != NULL)
		snprintf(options, sizeof(options), "%s", v);
}

__attribute__((visibility("default"))) const char *
__ubsan_default_options(void)
{
	return options;
}
