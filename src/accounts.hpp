/*-------------------------------------------------------------------------
 * accounts.hpp
 *	  Storage accounts: the per-backend cache of decoded keys and prepared
 *	  HMAC state, and the privileged reads and writes of azure_blob.accounts.
 *
 * Functions here that touch Postgres use PgCall() and throw; call them only
 * inside Guard().
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"
}

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/connection_string.hpp"
#include "core/hmac.hpp"

namespace azure_blob {

struct Account {
	std::string alias;
	std::string account_name;
	std::string blob_endpoint;
	std::string default_container; /* may be empty */
	bool https = true;
	core::HmacSha256 signer; /* key state prepared once; the key text is not kept */
	/*
	 * account_name and default_container pass the naming rules (checked when
	 * the cache is loaded: rows written behind azure_account_add's back are
	 * checked on every signature instead).
	 */
	bool names_valid = false;
};

/* Registers the relcache callback that drops the cache when azure_blob.accounts changes. */
void InitAccountCache();

/* The alias to use: alias itself, else azure_blob.default_account; throws 55000 if both are empty. */
std::string_view ResolveAccountAlias(const char *alias);
std::string_view ResolveAccountAlias(std::string_view alias); /* empty view = not given */

/*
 * A configured account, shared with the cache: holding the pointer keeps
 * the entry alive even if the cache reloads meanwhile (any catalog access,
 * lock or role check may process invalidations and trigger a reload on the
 * next lookup).  Never keep a plain reference into the cache across a call
 * that can reach Postgres.
 */
using AccountRef = std::shared_ptr<const Account>;

/* The cached account; throws Error(42704) if no such alias is configured. */
AccountRef GetAccount(std::string_view alias);

/* Container to use: the given one, else the account's default; throws 55000 (with hint) if it has none. */
std::string_view ContainerOf(const Account &acct, std::string_view container,
                             const char *hint = "Pass a container, or add the account again with a default container.");
std::string ResolveContainer(const Account &acct, const char *container,
                             const char *hint = "Pass a container, or add the account again with a default container.");

/* The account and container a call names: the given ones, else the defaults; the container name is checked. */
struct Target {
	AccountRef acct; /* shared with the cache: outlives a reload during the request */
	std::string container;
};
Target ResolveTarget(const char *account, const char *container);

/* Key of the MAC in issued upload names (per database, owner-only); shared like AccountRef. */
std::shared_ptr<const core::HmacSha256> UploadNameKey();

/* Schema that holds the extension's user-facing objects (azure_files). */
Oid ExtensionSchema();

/* Inserts an account, its key sealed, as the extension owner; throws 42710 if the alias exists. */
void AddAccount(const std::string &alias, const core::StorageAccount &acct, const std::string &default_container);

/*
 * Seals, as the extension owner, every account key and the upload-name
 * secret still stored in clear (rows from 1.0 or a superuser's INSERT), and
 * seals again under the current master key those sealed under
 * azure_blob.previous_master_key_file (rotation); returns how many values
 * it wrote.  Values sealed under a key it does not have are left, with a
 * WARNING.  Owner or superuser only (42501).
 */
int SealSecrets();

/* Deletes an account as the extension owner; throws 42704 if there is none. */
void RemoveAccount(const std::string &alias);

/*
 * Runs sql (which must name only objects in schema azure_blob or pg_catalog)
 * with args under owner's identity, search_path pinned to pg_catalog, in a
 * restricted security context; returns the rows processed.  Values go in as
 * plain parameters, never plan constants.  Postgres code only.
 */
uint64 ExecuteAsOwner(Oid owner, const char *sql, int nargs, Oid *types, Datum *values, const char *nulls);

/* True if the current user has admin rights in this database (rights.hpp). C++ side (throws). */
bool CurrentUserIsAdmin();

} // namespace azure_blob
