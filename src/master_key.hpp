/*-------------------------------------------------------------------------
 * master_key.hpp
 *	  The master key that seals account keys and the upload-name secret at
 *	  rest (src/core/seal.hpp): 32 random bytes in a file outside the tables.
 *
 * Functions here reach Postgres through PgCall() and throw; call them only
 * inside Guard().
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>

namespace azure_blob {

/*
 * Path of the master key file: azure_blob.master_key_file if set, else
 * azure_blob_master.key in the directory of the server's config_file.
 */
std::string MasterKeyPath();

/*
 * The master key (32 bytes), read once per backend and path.  A missing
 * file is created (mode 0600, from pg_strong_random) on a primary; on a hot
 * standby it is an error (58P01) that says to copy the primary's file.  A
 * file with group or other permission bits, not owned by the server's user,
 * or not 32 bytes long is refused (F0000).  The reference stays valid until
 * the next call.  Never logged, never in a message.
 */
const std::string &MasterKey();

/*
 * The key of azure_blob.previous_master_key_file, or nullptr if that is
 * empty: what values sealed before a rotation unseal with until
 * azure_blob.seal_secrets() has sealed them again.  Never created; a
 * missing or unsafe file throws as MasterKey() does.
 */
const std::string *PreviousMasterKey();

/* Bumped whenever azure_blob.master_key_file or previous_master_key_file changes (GUC assign hook); the account cache compares it. */
extern unsigned master_key_generation;

} // namespace azure_blob
