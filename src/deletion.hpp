/*-------------------------------------------------------------------------
 * deletion.hpp
 *	  What the deletion queue needs to be safe against registrations in
 *	  flight: a per-blob lock, and reading azure_files by OID.
 *
 * A registration (the azure_files trigger, azure_save_metadata before its
 * HEAD request) holds the blob's lock until its transaction ends;
 * azure_process_deletions deletes a queued blob only if it gets the lock
 * without waiting and then sees no committed row of that name.  So a blob
 * that is registered, or being registered, is never deleted.  A transaction
 * that registers more than 256 blobs takes one lock for the rest of them
 * instead, which makes every deletion in the database wait for its commit
 * (deletion.cpp, kBlobLocksPerTransaction).
 *
 * Postgres code only (may ereport).
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"
}

namespace azure_blob {

/*
 * Takes the transaction-level lock of (account, container, blob) in this
 * database for a registration, waiting for it; past 256 registrations in
 * one transaction by an administrator, the bulk lock instead.  A deletion
 * check (deletion.cpp) takes them without waiting and reports "busy".
 * The locks live in a lock-tag space of their own, so user advisory locks
 * cannot take or block them.
 */
void LockBlobForRegistration(const char *account, const char *container, const char *blob);

} // namespace azure_blob
