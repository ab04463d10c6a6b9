/*-------------------------------------------------------------------------
 * maintenance.cpp
 *	  C helpers of the owner-run maintenance functions (azure_blob.reconcile).
 *
 * azure_blob.resolve_target gives reconcile the account and container of a
 * call with the REST functions' own ResolveTarget (accounts.hpp), so that
 * every entry point fails with the same message, SQLSTATE and hint for a
 * missing, unknown or unusable account or container.  Same two halves as
 * the other entry points:
 * arguments on the Postgres side, the rest inside Guard()
 * (CONTRIBUTING.md §6).
 *-------------------------------------------------------------------------
 */
extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
}

#include <string>

#include "accounts.hpp"
#include "core/names.hpp"
#include "arguments.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_blob_resolve_target);
/*
 * azure_blob.resolve_target(account, container, OUT account, OUT container):
 * the alias to use (the given one, else azure_blob.default_account) and the
 * container (the given one, else the account's default), after checking that
 * the account is configured and usable and that the container name is valid.
 * NULL means "use the default"; an empty string is 22023, as in the REST
 * functions.
 */
Datum
azure_blob_resolve_target(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *account = OptionalArg(fcinfo, 0, "account", "Pass NULL to use the default.");
	const char *container = OptionalArg(fcinfo, 1, "container", "Pass NULL to use the default.");
	TupleDesc desc;
	if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "azure_blob.resolve_target must return a composite type");
	desc = BlessTupleDesc(desc);
	HeapTuple tuple = Guard([&] {
		const Target t = ResolveTarget(account, container);
		return PgCall([&] {
			Datum values[2] = {Utf8Datum(t.acct->alias), Utf8Datum(t.container)};
			bool nulls[2] = {false, false};
			return heap_form_tuple(desc, values, nulls);
		});
	});
	PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

} /* extern "C" */
