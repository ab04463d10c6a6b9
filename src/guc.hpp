/*-------------------------------------------------------------------------
 * guc.hpp
 *	  The azure_blob.* settings and the C globals behind them.
 *-------------------------------------------------------------------------
 */
#pragma once

namespace azure_blob {

extern char *guc_user_id;         /* azure_blob.user_id: the app's end user, "" = current_user */
extern char *guc_default_account; /* azure_blob.default_account */
extern char *guc_sas_version;     /* azure_blob.sas_version */
extern int guc_max_sas_lifetime;  /* azure_blob.max_sas_lifetime, seconds */
extern bool guc_verify_uploads;   /* azure_blob.verify_uploads */
extern bool guc_allow_http;       /* azure_blob.allow_http */
extern int guc_connect_timeout_ms;
extern int guc_request_timeout_ms;
extern int guc_max_retries;
extern int guc_max_response_size; /* bytes */
extern char *guc_master_key_file; /* azure_blob.master_key_file, "" = next to config_file */
extern char *guc_previous_master_key_file; /* azure_blob.previous_master_key_file, "" = none */

/* Defines every setting; called once from _PG_init. */
void DefineGucs();

} // namespace azure_blob
