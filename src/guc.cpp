/*-------------------------------------------------------------------------
 * guc.cpp
 *	  Definitions of the azure_blob.* settings.
 *
 * Settings that change where data goes or how long a capability lives are
 * PGC_SUSET (STYLE.md §2.6): a role that may only SELECT must not point
 * signing at another account or stretch URL lifetimes.
 *-------------------------------------------------------------------------
 */
#include "guc.hpp"

extern "C" {
#include "postgres.h"

#include "utils/guc.h"
}

#include <climits>

#include "core/sas.hpp"

namespace azure_blob {

char *guc_user_id = nullptr;
char *guc_default_account = nullptr;
char *guc_sas_version = nullptr;
int guc_max_sas_lifetime = 7 * 24 * 3600;

namespace {

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

} // namespace

void
DefineGucs() {
	DefineCustomStringVariable("azure_blob.user_id", gettext_noop("Identifier of the application user on whose behalf URLs are signed."),
	                           gettext_noop("Empty means current_user. Apps set it per request with SET LOCAL."),
	                           &guc_user_id, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("azure_blob.default_account", gettext_noop("Alias of the storage account used when none is given."),
	                           nullptr, &guc_default_account, "default", PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("azure_blob.sas_version", gettext_noop("Service version (sv) of the SAS tokens the extension signs."),
	                           nullptr, &guc_sas_version, core::kDefaultSasVersion, PGC_USERSET, 0, CheckSasVersion,
	                           nullptr, nullptr);
	DefineCustomIntVariable("azure_blob.max_sas_lifetime", gettext_noop("Longest lifetime of a URL from azure_generate_upload_sas or azure_generate_read_sas."),
	                        nullptr, &guc_max_sas_lifetime, 7 * 24 * 3600, 1, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr,
	                        nullptr, nullptr);
	MarkGUCPrefixReserved("azure_blob");
}

} // namespace azure_blob
