/*-------------------------------------------------------------------------
 * guc.cpp
 *	  Definitions of the azure_blob.* settings.
 *
 * Settings that change where data goes or how long a capability lives are
 * PGC_SUSET (CONTRIBUTING.md §4): a role that may only SELECT must not point
 * signing at another account or stretch URL lifetimes.
 *-------------------------------------------------------------------------
 */
#include "guc.hpp"

extern "C" {
#include "postgres.h"

#include "access/parallel.h"
#include "utils/guc.h"
}

#include <climits>
#include <cstdio>

#include "compat.hpp"
#include "core/endpoint_policy.hpp"
#include "core/error.hpp"
#include "core/sas.hpp"
#include "master_key.hpp"

namespace azure_blob {

char *guc_user_id = nullptr;
bool guc_require_user_id = true;
bool guc_session_user_id = false;
char *guc_default_account = nullptr;
char *guc_sas_version = nullptr;
int guc_max_sas_lifetime = 7 * 24 * 3600;
bool guc_verify_uploads = true;
bool guc_allow_http = false;
char *guc_allowed_endpoint_hosts = nullptr;
int guc_connect_timeout_ms = 2000;
int guc_request_timeout_ms = 30000;
int guc_max_retries = 3;
int guc_max_response_size = 256 * 1024 * 1024;
char *guc_master_key_file = nullptr;
char *guc_previous_master_key_file = nullptr;

namespace {

/*
 * The GUC record of azure_blob.user_id.  Its stack of saved values is
 * non-empty exactly while the setting has been assigned in the current
 * transaction: every SET, SET LOCAL, set_config() and function SET clause
 * inside a transaction pushes the prior value, and the end of the top-level
 * transaction pops them all (AtEOXact_GUC in PostgreSQL's guc.c).  Values
 * from postgresql.conf, ALTER ROLE/DATABASE SET or connection options are
 * applied at session start or reload, and a plain SET in an earlier
 * transaction has been committed: none of them has a stack entry here.  A
 * rollback to a savepoint pops only its own entries, so an earlier
 * transaction's value that it restores stays stale; so does a value set
 * before this library was loaded, which define_custom_variable() re-applies
 * without a stack entry unless it was set in the current transaction.
 */
struct config_generic *user_id_record = nullptr;

/* GUC check hook: Postgres calls it, so no exception may leave it. */
bool
CheckSasVersion(char **newval, void **, GucSource) {
	bool ok = false;
	try {
		core::ValidateSasVersion(*newval ? *newval : "");
		ok = true;
	} catch (...) {
		ok = false;
	}
	if (!ok) {
		GUC_check_errdetail("A service version has the form YYYY-MM-DD and is not older than %s.",
		                    core::kMinSasVersion);
		return false;
	}
	return true;
}

/* GUC check hook for azure_blob.allowed_endpoint_hosts; no exception may leave it. */
bool
CheckAllowedEndpointHosts(char **newval, void **, GucSource) {
	char detail[512] = "";
	try {
		(void) core::ParseAllowedHosts(*newval ? *newval : "");
		return true;
	} catch (const Error &e) {
		snprintf(detail, sizeof(detail), "%s", e.detail.c_str());
	} catch (...) {
		snprintf(detail, sizeof(detail), "%s", "The list could not be parsed.");
	}
	/* Reported only once the exception and its strings are gone. */
	GUC_check_errdetail("%s", detail);
	return false;
}

/* An absolute path, or empty; a relative one would depend on the backend's directory. */
bool
CheckMasterKeyFile(char **newval, void **, GucSource) {
	if (*newval == nullptr || (*newval)[0] == '\0' || is_absolute_path(*newval))
		return true;
	GUC_check_errdetail("The master key file must be given as an absolute path.");
	return false;
}

/* A new path: backends unseal again with the key found there (src/accounts.cpp compares the generation). */
void
AssignMasterKeyFile(const char *, void *) {
	master_key_generation++;
}

} // namespace

void
DefineGucs() {
	DefineCustomStringVariable("azure_blob.user_id",
	                           gettext_noop("Identifier of the application user on whose behalf URLs are signed."),
	                           gettext_noop(
	                               "Set it in each transaction with SET LOCAL: a value set in an earlier transaction "
	                               "is ignored unless azure_blob.session_user_id is on."),
	                           &guc_user_id, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
	user_id_record = FindGucRecord("azure_blob.user_id");
	if (user_id_record == nullptr)
		elog(ERROR, "setting \"azure_blob.user_id\" was not defined");
	DefineCustomBoolVariable("azure_blob.require_user_id",
	                         gettext_noop("Makes calls by non-administrators fail unless azure_blob.user_id is set in "
	                                      "the transaction."),
	                         gettext_noop("Off, such calls act for current_user."), &guc_require_user_id, true,
	                         PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("azure_blob.session_user_id",
	                         gettext_noop(
	                             "Lets a value of azure_blob.user_id set outside SET LOCAL last for the session."),
	                         gettext_noop(
	                             "Only for applications that own their connections: behind a transaction pooler "
	                             "the next client would act as the previous one's user."),
	                         &guc_session_user_id, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("azure_blob.default_account",
	                           gettext_noop("Alias of the storage account used when none is given."), nullptr,
	                           &guc_default_account, "default", PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("azure_blob.sas_version",
	                           gettext_noop("Service version (sv) of the SAS tokens the extension signs."), nullptr,
	                           &guc_sas_version, core::kDefaultSasVersion, PGC_USERSET, 0, CheckSasVersion, nullptr,
	                           nullptr);
	DefineCustomIntVariable("azure_blob.max_sas_lifetime",
	                        gettext_noop(
	                            "Longest lifetime of a URL from azure_generate_upload_sas or azure_generate_read_sas."),
	                        nullptr, &guc_max_sas_lifetime, 7 * 24 * 3600, 1, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr,
	                        nullptr, nullptr);
	DefineCustomBoolVariable("azure_blob.verify_uploads",
	                         gettext_noop(
	                             "Makes azure_save_metadata check that the blob exists and record its properties."),
	                         nullptr, &guc_verify_uploads, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("azure_blob.allow_http", gettext_noop("Allows REST calls over plain http (for Azurite)."),
	                         nullptr, &guc_allow_http, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("azure_blob.allowed_endpoint_hosts",
	                           gettext_noop("Storage endpoint hosts that accounts may use and REST calls may reach."),
	                           gettext_noop(
	                               "Comma-separated entries: a host name, an IPv4 address or a bracketed IPv6 "
	                               "address matches exactly; \".\" followed by a domain (\".example.com\") "
	                               "matches every host under it. Add custom domains and private endpoints here. "
	                               "Loopback hosts (Azurite) are allowed only while azure_blob.allow_http is "
	                               "on, whatever the list says."),
	                           &guc_allowed_endpoint_hosts, core::kDefaultAllowedEndpointHosts, PGC_SUSET,
	                           GUC_LIST_INPUT, CheckAllowedEndpointHosts, nullptr, nullptr);
	DefineCustomIntVariable("azure_blob.connect_timeout_ms",
	                        gettext_noop("Time limit for connecting to Azure Blob Storage."), nullptr,
	                        &guc_connect_timeout_ms, 2000, 1, 600000, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
	                        nullptr);
	DefineCustomIntVariable("azure_blob.request_timeout_ms",
	                        gettext_noop("Time limit for one REST call to Azure Blob Storage, transfer included."),
	                        nullptr, &guc_request_timeout_ms, 30000, 1, 3600000, PGC_USERSET, GUC_UNIT_MS, nullptr,
	                        nullptr, nullptr);
	DefineCustomIntVariable("azure_blob.max_retries",
	                        gettext_noop("Retries of a REST call after a transport error or HTTP 500/503."), nullptr,
	                        &guc_max_retries, 3, 0, 10, PGC_USERSET, 0, nullptr, nullptr, nullptr);
	DefineCustomIntVariable("azure_blob.max_response_size",
	                        gettext_noop(
	                            "Largest answer a REST call may receive, such as a blob read with azure_blob_get."),
	                        nullptr, &guc_max_response_size, 256 * 1024 * 1024, 1024, 1024 * 1024 * 1024 - 1,
	                        PGC_USERSET, GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
	/*
	 * PGC_SIGHUP: only postgresql.conf (or ALTER SYSTEM) sets it, so no role
	 * can point the server at a key file of its own choosing.
	 */
	DefineCustomStringVariable("azure_blob.master_key_file",
	                           gettext_noop("File holding the master key that seals storage account keys at rest."),
	                           gettext_noop("Empty means azure_blob_master.key in the directory of config_file. Keep "
	                                        "it outside the data directory, so base backups do not carry it."),
	                           &guc_master_key_file, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY, CheckMasterKeyFile,
	                           AssignMasterKeyFile, nullptr);
	DefineCustomStringVariable("azure_blob.previous_master_key_file",
	                           gettext_noop("File holding the master key in use before a rotation."),
	                           gettext_noop("Values sealed with it still unseal, and azure_blob.seal_secrets() seals "
	                                        "them again with the current key. Empty means none."),
	                           &guc_previous_master_key_file, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY, CheckMasterKeyFile,
	                           AssignMasterKeyFile, nullptr);
	MarkGUCPrefixReserved("azure_blob");
}

UserIdState
GetUserIdState() {
	const bool empty = guc_user_id == nullptr || guc_user_id[0] == '\0';
	if (!empty && guc_session_user_id)
		return UserIdState::kSet;
	/*
	 * A worker restores the leader's settings in a transaction of its own
	 * (ParallelWorkerMain), so it cannot tell; nor can it check roles the way
	 * CurrentUserIsAdmin() does.  The extension's functions that ask are
	 * PARALLEL RESTRICTED; a user's PARALLEL SAFE wrapper ends up here.
	 */
	if (IsParallelWorker())
		return UserIdState::kParallelWorker;
	if (empty)
		return UserIdState::kUnset;
	return user_id_record->stack != nullptr ? UserIdState::kSet : UserIdState::kStale;
}

} // namespace azure_blob
