/*-------------------------------------------------------------------------
 * pg_boundary.cpp
 *	  Out-of-line parts of the C++/Postgres bridge (see pg_boundary.hpp).
 *-------------------------------------------------------------------------
 */
#include "pg_boundary.hpp"

#include <cstring>

namespace azure_blob::detail {

char *
CopyNoThrow(const char *s, size_t len) noexcept {
	/* MCXT_ALLOC_NO_OOM: returns NULL instead of raising, so this is safe in a catch block. */
	if (len >= MaxAllocSize)
		len = MaxAllocSize - 1;
	char *out = static_cast<char *>(palloc_extended(len + 1, MCXT_ALLOC_NO_OOM));
	if (out != nullptr) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

int
SqlStateFromText(const std::string &code) noexcept {
	if (code.size() != 5)
		return ERRCODE_INTERNAL_ERROR;
	return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

ErrorData *
CaptureError(MemoryContext cxt) {
	/* CopyErrorData() must not run in ErrorContext, where the longjmp left us. */
	MemoryContextSwitchTo(cxt);
	ErrorData *edata = CopyErrorData();
	FlushErrorState();
	return edata;
}

void
Raise(ErrorData *pg_error, bool interrupted, int sqlstate, char *message, char *detail, char *hint) {
	if (pg_error != nullptr)
		ReThrowError(pg_error);
	if (interrupted) {
		/* Raises the real 57014 or FATAL; falls through only while interrupts are held off. */
		CHECK_FOR_INTERRUPTS();
		ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling Azure request due to pending interrupt")));
	}
	if (sqlstate == ERRCODE_OUT_OF_MEMORY && message == nullptr)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	ereport(ERROR, (errcode(sqlstate), errmsg_internal("%s", message ? message : "unexpected C++ exception"),
	                detail ? errdetail_internal("%s", detail) : 0, hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

} // namespace azure_blob::detail
