/*
 * bench/floor/noop_srf.c: the floor of row (f).
 *
 * bench_noop_upload(file_name, content_type, expires_in) has the declared
 * shape of azure_generate_upload_sas (three arguments, the third with a
 * default; RETURNS TABLE of the same four columns) and returns one constant
 * row of the same sizes at once, through the same materialize-mode SRF
 * protocol.  pgbench runs `SELECT * FROM bench_noop_upload('photo.png',
 * 'image/png')` next to the real statement: whatever separates it from
 * SELECT 1 is Postgres' own per-statement work for such a call, not signing.
 *
 * bench_noop_read(blob_name, expires_in) is the same for
 * azure_generate_read_sas: its declared shape (text and an interval with a
 * default, RETURNS text), a constant text of a read URL's size.  pgbench runs
 * `SELECT bench_noop_read(blob_name) FROM azure_files WHERE id = :id` next to
 * the real statement: the same row fetch under the same row-level security,
 * without the ownership check and the signature.
 *
 * Built by bench/run.sh against the server headers; created by its setup.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(bench_noop_upload);

Datum
bench_noop_upload(PG_FUNCTION_ARGS) {
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum values[4];
	bool nulls[4] = {false, false, false, false};
	/* Sizes of a real result: a signed URL, "<uuid>-photo.png", the URL without its query. */
	static const char url[] =
	    "https://benchacct.blob.core.windows.net/uploads/0b6f3e0a-58c1-4c55-9b3a-2f1d8e7c6a54-photo.png"
	    "?sv=2025-07-05&spr=https&se=2026-11-25T12%3A05%3A00Z&sr=b&sp=c&rsct=image%2Fpng"
	    "&sig=Q2hIYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY%3D";

	InitMaterializedSRF(fcinfo, rsinfo->expectedDesc != NULL ? MAT_SRF_USE_EXPECTED_DESC : 0);
	values[0] = PointerGetDatum(cstring_to_text(url));
	values[1] = PointerGetDatum(cstring_to_text_with_len(url + 48, 46));
	values[2] = PointerGetDatum(cstring_to_text_with_len(url, 94));
	values[3] = TimestampTzGetDatum(GetCurrentTimestamp() + 300 * USECS_PER_SEC);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(bench_noop_read);

Datum
bench_noop_read(PG_FUNCTION_ARGS) {
	/* The size of a real read URL for one of the bench's blob names. */
	static const char url[] =
	    "https://benchacct.blob.core.windows.net/uploads/c4f5eb1f-e669-803c-859a-6d204939e08f-f123456.png"
	    "?sv=2025-07-05&spr=https&se=2026-11-25T12%3A05%3A00Z&sr=b&sp=r"
	    "&rsct=image%2Fpng&sig=Q2hIYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY%3D";

	PG_RETURN_TEXT_P(cstring_to_text_with_len(url, sizeof(url) - 1));
}
