/*-------------------------------------------------------------------------
 * identity.cpp
 *	  The application user (identity.hpp) and its SQL entry point,
 *	  azure_current_user_id().
 *-------------------------------------------------------------------------
 */
#include "identity.hpp"

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
}

#include "accounts.hpp"
#include "guc.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

namespace azure_blob {

/*
 * The one reader of azure_blob.user_id.  A value counts only in the
 * transaction that set it (guc.cpp, GetUserIdState), so that behind a
 * transaction pooler one client's plain SET never names the user of the
 * next client on the same server connection.  Without a value that counts,
 * administrators act as themselves; anyone else fails while
 * azure_blob.require_user_id is on, and acts as current_user when it is off.
 * A stale value is never used.
 */
const char *
CurrentUserId() {
	const UserIdState state = GetUserIdState();
	if (state == UserIdState::kSet)
		return guc_user_id;
	/* A parallel worker cannot check roles like CurrentUserIsAdmin(): it refuses everyone. */
	if (guc_require_user_id && (state == UserIdState::kParallelWorker || !Guard([] { return CurrentUserIsAdmin(); }))) {
		const char *detail = nullptr;
		switch (state) {
		case UserIdState::kStale:
			detail = "A value was set for the session in an earlier transaction, not in this one; it is ignored "
			         "while azure_blob.session_user_id is off.";
			break;
		case UserIdState::kParallelWorker:
			detail = "A parallel worker cannot tell whether the value was set in this transaction; functions "
			         "that read it must be PARALLEL RESTRICTED.";
			break;
		default:
			detail = "Roles that are not azure_blob administrators must name the application user while "
			         "azure_blob.require_user_id is on.";
			break;
		}
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("azure_blob.user_id is not set"),
		                errdetail("%s", detail),
		                errhint("Set it in the transaction with SET LOCAL azure_blob.user_id or "
		                        "set_config('azure_blob.user_id', ..., true).")));
	}
	return GetUserNameFromId(GetUserId(), false);
}

const char *
CurrentUserIdUtf8() {
	const char *uid = CurrentUserId();
	return pg_server_to_any(uid, static_cast<int>(strlen(uid)), PG_UTF8);
}

} // namespace azure_blob

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_current_user_id);
/* azure_current_user_id(): the application user of this transaction (CurrentUserId). */
Datum
azure_current_user_id(PG_FUNCTION_ARGS) {
	RequireRight(Right::kUser);
	PG_RETURN_TEXT_P(cstring_to_text(CurrentUserId()));
}

} /* extern "C" */
