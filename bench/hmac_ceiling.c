/*
 * hmac_ceiling.c - the ceiling for SAS signing on this machine: raw OpenSSL
 * HMAC-SHA256 over a message as long as the benchmark's string-to-sign.
 *
 * Three ways of computing the MAC, each timed in runs of N messages:
 *   evp_mac_reinit  EVP_MAC_CTX keyed once; per message EVP_MAC_init(ctx, NULL,
 *                   0, NULL) (same key: the ipad/opad state is reused), update,
 *                   final. What src/core/hmac.cpp does.
 *   hmac_ctx_reuse  HMAC_CTX keyed once; per message HMAC_Init_ex(ctx, NULL, 0,
 *                   NULL, NULL), update, final (deprecated in OpenSSL 3, still
 *                   the cheapest public path).
 *   oneshot         HMAC(): key schedule on every message (what a signer
 *                   without prepared state pays; the Node SDK does the same).
 * The message changes on every iteration (a counter written into it, as the
 * benchmark's blob names vary), so nothing can be cached across messages.
 *
 * Usage: hmac_ceiling MSG_LEN [SECONDS_PER_RUN [RUNS]]
 * Prints one JSON object: per variant the runs as {n, seconds}.
 * Build: gcc -O2 -o hmac_ceiling hmac_ceiling.c -lcrypto
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum variant { EVP_MAC_REINIT, HMAC_CTX_REUSE, ONESHOT, NVARIANTS };
static const char *const variant_names[NVARIANTS] = {"evp_mac_reinit", "hmac_ctx_reuse", "oneshot"};

static unsigned char key[64];
static unsigned char *msg;
static size_t msg_len;
static EVP_MAC_CTX *mac_ctx;
static HMAC_CTX *hmac_ctx;
static volatile unsigned char sink; /* keeps the MACs alive */

static double
now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what) {
	fprintf(stderr, "hmac_ceiling: %s failed\n", what);
	exit(1);
}

/* Writes i as 7 decimal digits into the message, where a blob name's number would be. */
static void
vary(unsigned long i) {
	unsigned char *p = msg + (msg_len > 40 ? 30 : 0);
	for (int d = 6; d >= 0; d--) {
		p[d] = (unsigned char)('0' + i % 10);
		i /= 10;
	}
}

static void
sign(enum variant v) {
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t len = 0;
	unsigned int ulen = 0;
	switch (v) {
	case EVP_MAC_REINIT:
		if (EVP_MAC_init(mac_ctx, NULL, 0, NULL) != 1 || EVP_MAC_update(mac_ctx, msg, msg_len) != 1 ||
		    EVP_MAC_final(mac_ctx, out, &len, sizeof out) != 1)
			die("EVP_MAC");
		break;
	case HMAC_CTX_REUSE:
		if (HMAC_Init_ex(hmac_ctx, NULL, 0, NULL, NULL) != 1 || HMAC_Update(hmac_ctx, msg, msg_len) != 1 ||
		    HMAC_Final(hmac_ctx, out, &ulen) != 1)
			die("HMAC_CTX");
		break;
	case ONESHOT:
		if (HMAC(EVP_sha256(), key, sizeof key, msg, msg_len, out, &ulen) == NULL)
			die("HMAC");
		break;
	default:
		abort();
	}
	sink ^= out[0];
}

static double
time_run(enum variant v, unsigned long n) {
	double t0 = now();
	for (unsigned long i = 0; i < n; i++) {
		vary(i);
		sign(v);
	}
	return now() - t0;
}

int
main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: %s MSG_LEN [SECONDS_PER_RUN [RUNS]]\n", argv[0]);
		return 2;
	}
	msg_len = strtoul(argv[1], NULL, 10);
	double seconds = argc > 2 ? atof(argv[2]) : 1.5;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	if (msg_len < 8 || msg_len > 1 << 20 || seconds <= 0 || runs < 1) {
		fprintf(stderr, "hmac_ceiling: bad arguments\n");
		return 2;
	}

	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	msg = malloc(msg_len);
	if (msg == NULL)
		die("malloc");
	for (size_t i = 0; i < msg_len; i++)
		msg[i] = (unsigned char)("r\n2030-01-01T00:00:00Z\n/blob/benchacct/uploads/photo-"[i % 52]);

	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL || (mac_ctx = EVP_MAC_CTX_new(mac)) == NULL)
		die("EVP_MAC_CTX_new");
	EVP_MAC_free(mac);
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
	if (EVP_MAC_init(mac_ctx, key, sizeof key, params) != 1)
		die("EVP_MAC_init");
	if ((hmac_ctx = HMAC_CTX_new()) == NULL || HMAC_Init_ex(hmac_ctx, key, sizeof key, EVP_sha256(), NULL) != 1)
		die("HMAC_Init_ex");

	printf("{\"openssl\": \"%s\", \"msg_len\": %zu, \"variants\": {", OpenSSL_version(OPENSSL_VERSION), msg_len);
	for (int v = 0; v < NVARIANTS; v++) {
		/* Calibrate: about 0.3 s of warm-up, which also gives the rate for N. */
		unsigned long n = 1000;
		double t = time_run((enum variant)v, n);
		while (t < 0.3) {
			n *= 2;
			t = time_run((enum variant)v, n);
		}
		unsigned long per_run = (unsigned long)(n / t * seconds);
		printf("%s\"%s\": [", v ? ", " : "", variant_names[v]);
		for (int r = 0; r < runs; r++) {
			double s = time_run((enum variant)v, per_run);
			printf("%s{\"n\": %lu, \"seconds\": %.6f}", r ? ", " : "", per_run, s);
		}
		printf("]");
	}
	printf("}}\n");

	HMAC_CTX_free(hmac_ctx);
	EVP_MAC_CTX_free(mac_ctx);
	free(msg);
	return 0;
}
