/*-------------------------------------------------------------------------
 * guc.hpp
 *	  The azure_blob.* settings and the C globals behind them.
 *-------------------------------------------------------------------------
 */
#pragma once

namespace azure_blob {

extern char *guc_user_id;                /* azure_blob.user_id: the app's end user; read it through CurrentUserId() */
extern bool guc_require_user_id;         /* azure_blob.require_user_id: non-admins must name the app's end user */
extern bool guc_session_user_id;         /* azure_blob.session_user_id: a plain SET of user_id lasts for the session */
extern char *guc_default_account;        /* azure_blob.default_account */
extern char *guc_sas_version;            /* azure_blob.sas_version */
extern int guc_max_sas_lifetime;         /* azure_blob.max_sas_lifetime, seconds */
extern bool guc_verify_uploads;          /* azure_blob.verify_uploads */
extern bool guc_allow_http;              /* azure_blob.allow_http */
extern char *guc_allowed_endpoint_hosts; /* azure_blob.allowed_endpoint_hosts, see core/endpoint_policy.hpp */
extern int guc_connect_timeout_ms;
extern int guc_request_timeout_ms;
extern int guc_max_retries;
extern int guc_max_response_size;          /* bytes */
extern char *guc_master_key_file;          /* azure_blob.master_key_file, "" = next to config_file */
extern char *guc_previous_master_key_file; /* azure_blob.previous_master_key_file, "" = none */

/* Defines every setting; called once from _PG_init. */
void DefineGucs();

/* What azure_blob.user_id says for the current transaction. */
enum class UserIdState {
	kSet,            /* non-empty, and set in this transaction (or session_user_id is on) */
	kUnset,          /* empty */
	kStale,          /* non-empty, but set in an earlier transaction: it must not be used */
	kParallelWorker, /* a parallel worker, which cannot tell when it was set (unless session_user_id is on) */
};
UserIdState GetUserIdState();

} // namespace azure_blob
