/*-------------------------------------------------------------------------
 * identity.hpp
 *	  The application user: whom the extension acts for in this
 *	  transaction (azure_blob.user_id, README "The application user").
 *-------------------------------------------------------------------------
 */
#pragma once

namespace azure_blob {

/*
 * The application user, in the server encoding: azure_blob.user_id if it was
 * set in this transaction, else current_user for administrators (and for
 * everyone when azure_blob.require_user_id is off); else ERROR 28000.
 * Everything that acts for the application user reads it here. Postgres side only.
 */
const char *CurrentUserId();
/* The same in UTF-8. Postgres side only. */
const char *CurrentUserIdUtf8();

} // namespace azure_blob
