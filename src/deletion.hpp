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
 * database; waits for it if wait (a registration: past 256 in one
 * transaction, the bulk lock instead), else (a deletion) returns false when
 * someone holds it or a bulk registration is in flight.
 * The lock lives in a lock-tag space of its own, so user advisory locks
 * cannot take or block it.
 */
bool LockBlob(const char *account, const char *container, const char *blob, bool wait);

/*
 * Gives back one LockBlob(..., false) that returned true, made in the same
 * (sub)transaction: a deletion check that will delete nothing keeps no lock.
 * Each lock stays held if this transaction took it more often.
 */
void UnlockBlob(const char *account, const char *container, const char *blob);

} // namespace azure_blob
