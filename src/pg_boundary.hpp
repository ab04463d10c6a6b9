/*-------------------------------------------------------------------------
 * pg_boundary.hpp
 *	  The only bridge between C++ exceptions and Postgres ereport/longjmp.
 *
 * Guard() is the outermost frame of every extern "C" function that runs C++
 * code: it catches every exception and turns it into an ereport only after
 * all C++ objects of the body are destroyed.  PgCall() wraps each Postgres
 * call made while C++ objects are alive: it catches the longjmp of an ERROR
 * in its own frame and rethrows it as a C++ PgError, so unwinding runs the
 * destructors.  Code inside a PgCall lambda must hold no non-trivial C++
 * objects, since the longjmp skips that lambda's frame.  (CONTRIBUTING.md §6.)
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"

#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}

#include <csetjmp>
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "core/error.hpp"

namespace azure_blob {

/*
 * A Postgres ERROR caught by PgCall(), carried as a C++ exception up to
 * Guard().  Deliberately not a std::exception: a `catch (const
 * std::exception &)` written for C++ failures must never swallow a Postgres
 * error, whose transaction has to abort (CONTRIBUTING.md §6).  Only Guard()
 * catches it.
 */
class PgError {
public:
	explicit PgError(ErrorData *edata) noexcept : edata_(edata) {
	}
	ErrorData *
	edata() const noexcept {
		return edata_;
	}

private:
	ErrorData *edata_; /* palloc'd in the context current when PgCall() was entered */
};

/*
 * Thrown when a blocking operation stopped for a pending cancel or
 * terminate.  Not a std::exception either, for the same reason: only Guard()
 * catches it, and then lets Postgres process the interrupt.
 */
struct Interrupted {};

namespace detail {

/* Restores the error stack and context stack on scope exit, so PgCall may return from inside. */
class ErrorStackRestore {
public:
	ErrorStackRestore() noexcept : stack_(PG_exception_stack), context_(error_context_stack) {
	}
	~ErrorStackRestore() {
		PG_exception_stack = stack_;
		error_context_stack = context_;
	}
	ErrorStackRestore(const ErrorStackRestore &) = delete;
	ErrorStackRestore &operator=(const ErrorStackRestore &) = delete;

private:
	sigjmp_buf *stack_;
	ErrorContextCallback *context_;
};

/* Copies text into the current memory context without ever raising; NULL if out of memory. */
char *CopyNoThrow(const char *s, size_t len) noexcept;

/* Raises what Guard() caught. Called only after every C++ object of the body is gone. */
[[noreturn]] void Raise(ErrorData *pg_error, bool interrupted, int sqlstate, char *message, char *detail, char *hint);

/* "22023" -> ERRCODE_INVALID_PARAMETER_VALUE. */
int SqlStateFromText(const std::string &code) noexcept;

/* Copies a PG error into the caller's context and clears the error state. */
ErrorData *CaptureError(MemoryContext cxt);

} // namespace detail

/* C++ -> Postgres: run body, translating any exception into ereport(ERROR). */
template <typename F>
auto
Guard(F &&body) -> decltype(body()) {
	static_assert(std::is_void_v<decltype(body())> || std::is_trivially_destructible_v<decltype(body())>,
	              "Guard() may only return trivially destructible values");
	ErrorData *pg_error = nullptr;
	bool interrupted = false;
	int sqlstate = ERRCODE_INTERNAL_ERROR;
	char *message = nullptr;
	char *detail_msg = nullptr;
	char *hint_msg = nullptr;
	try {
		return std::forward<F>(body)();
	} catch (const PgError &e) {
		pg_error = e.edata();
	} catch (const Interrupted &) {
		interrupted = true;
	} catch (const Error &e) {
		sqlstate = detail::SqlStateFromText(e.sqlstate);
		message = detail::CopyNoThrow(e.message.data(), e.message.size());
		if (!e.detail.empty())
			detail_msg = detail::CopyNoThrow(e.detail.data(), e.detail.size());
		if (!e.hint.empty())
			hint_msg = detail::CopyNoThrow(e.hint.data(), e.hint.size());
	} catch (const std::bad_alloc &) {
		sqlstate = ERRCODE_OUT_OF_MEMORY;
	} catch (const std::exception &e) {
		const char *w = e.what();
		message = detail::CopyNoThrow(w, strlen(w));
	} catch (...) {
	}
	/* No C++ object created by body() is alive below this line. */
	detail::Raise(pg_error, interrupted, sqlstate, message, detail_msg, hint_msg);
}

/* Postgres -> C++: run f (Postgres calls only), turning an ERROR into a thrown PgError. */
template <typename F>
auto
PgCall(F &&f) -> decltype(f()) {
	MemoryContext cxt = CurrentMemoryContext;
	{
		detail::ErrorStackRestore restore;
		sigjmp_buf buf;
		if (sigsetjmp(buf, 0) == 0) {
			PG_exception_stack = &buf;
			return std::forward<F>(f)();
		}
	}
	/* We got here by siglongjmp from an ERROR inside f; the stacks are restored. */
	throw PgError(detail::CaptureError(cxt));
}

} // namespace azure_blob
