/*-------------------------------------------------------------------------
 * no_postgres.hpp
 *	  Included last by every file in src/core: fails the build if a core file
 *	  pulled in postgres.h, so core code stays testable without a server.
 *-------------------------------------------------------------------------
 */
#pragma once

#if defined(POSTGRES_H) || defined(PG_MODULE_MAGIC)
#error "src/core must not include postgres.h"
#endif
static_assert(true, "core is free of Postgres headers");
