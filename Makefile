# azure_blob: PGXS build (make, make install, make installcheck).
EXTENSION   = azure_blob
MODULE_big  = azure_blob
SRCS        = $(wildcard src/*.cpp src/core/*.cpp)
OBJS        = $(SRCS:.cpp=.o)
DATA        = $(wildcard azure_blob--*.sql)
PGFILEDESC  = "azure_blob - Azure Blob Storage SAS URLs and file metadata"

# pg_regress suite (sql/, expected/): `make installcheck` runs test/schedule,
# which groups these files into lines whose files run in parallel.  REGRESS
# names the same files: PGXS needs it set (for --dbname and `make clean`), and
# installcheck checks that the two lists agree, so a new file goes in both.
REGRESS          = setup settings accounts keys_at_rest endpoints sas metadata identity security errors privileges badinput registration bulk_import upgrade reinstall cleanup
REGRESS_SCHEDULE = $(srcdir)/test/schedule
REGRESS_OPTS     = --load-extension=$(EXTENSION) --encoding=UTF8 --no-locale
# PGXS's installcheck would pass the REGRESS names one after the other; ours
# (below) passes the schedule instead.
NO_INSTALLCHECK  = 1

PG_CPPFLAGS = -Isrc $(shell xml2-config --cflags)
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register
SHLIB_LINK  = -lcurl -lcrypto -lxml2 -lstdc++

# Warnings are errors in CI (CI=true), as pgvector and pg_duckdb do.
ifeq ($(CI),true)
PG_CXXFLAGS += -Werror
endif

# Track header dependencies (.deps/), so a header change rebuilds what includes it.
override autodepend = yes

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Postgres built --with-llvm also compiles each .cpp to bitcode with clang, without PG_CXXFLAGS.
COMPILE.cxx.bc += $(PG_CXXFLAGS)

# The schedule and REGRESS must name the same files, each once.
.PHONY: installcheck check-schedule
check-schedule:
	@scheduled="$$(sed -n 's/^test://p' '$(REGRESS_SCHEDULE)' | tr -s ' \t' '\n\n' | sed '/^$$/d' | sort | tr '\n' ' ')"; \
	listed="$$(printf '%s\n' $(REGRESS) | sort | tr '\n' ' ')"; \
	if [ "$$scheduled" != "$$listed" ]; then \
		echo "$(REGRESS_SCHEDULE) and REGRESS in the Makefile name different files:" >&2; \
		echo "  schedule: $$scheduled" >&2; echo "  REGRESS:  $$listed" >&2; exit 1; \
	fi
installcheck: check-schedule
	$(pg_regress_installcheck) $(REGRESS_OPTS) --schedule=$(REGRESS_SCHEDULE)

# Attack tests of the 1.1 security review (test/security/): pg_regress files
# in test/security/sql and isolation specs in test/security/specs, each with
# its expected output in test/security/expected.  They create their own
# databases and roles, so nothing is preloaded.
SECURITY_REGRESS = $(sort $(basename $(notdir $(wildcard test/security/sql/*.sql))))
SECURITY_ISOLATION = $(sort $(basename $(notdir $(wildcard test/security/specs/*.spec))))
# pg_regress of PostgreSQL 16 and later looks for expected files in --expecteddir (default ".",
# where expected/ is the main suite's) before --inputdir; 15 knows only --inputdir.
SECURITY_EXPECTEDDIR = $(if $(filter 15,$(MAJORVERSION)),,--expecteddir=test/security)
.PHONY: installcheck-security installcheck-security-regress installcheck-security-isolation
installcheck-security: installcheck-security-regress installcheck-security-isolation
installcheck-security-regress:
	$(pg_regress_installcheck) --inputdir=test/security --outputdir=test/security --dbname=azb_security \
		--encoding=UTF8 --no-locale $(SECURITY_EXPECTEDDIR) $(SECURITY_REGRESS)
installcheck-security-isolation:
	$(if $(SECURITY_ISOLATION),$(pg_isolation_regress_installcheck) --inputdir=test/security \
		--outputdir=test/security/isolation --dbname=azb_security_iso $(SECURITY_ISOLATION),@echo "no isolation specs")

# TAP suites (test/t/*.pl) on PostgreSQL's own framework (PostgreSQL::Test::Cluster,
# shipped with PGXS) plus test/perl/AzureBlob/Test.pm.  Each suite makes its own
# clusters with the installed extension, so run it as a non-root OS user
# (initdb refuses root); test/run-all.sh does that.  TAP_TESTDIR holds the
# clusters and logs (tmp_check/log/*): PostgreSQL 15's PostgreSQL::Test::Utils
# finds them from TESTDIR, later ones (18 here) from TESTDATADIR and TESTLOGDIR (without
# them it uses the relative paths tmp_check and log of the current directory).
TAP_TESTDIR ?= $(CURDIR)/build/tap
PROVE_TESTS ?= test/t/*.pl
TAP_DIR = $(abspath $(TAP_TESTDIR))
.PHONY: installcheck-tap
installcheck-tap:
	rm -rf '$(TAP_DIR)/tmp_check' && $(MKDIR_P) '$(TAP_DIR)/tmp_check'
	TESTDIR='$(TAP_DIR)' TESTDATADIR='$(TAP_DIR)/tmp_check' TESTLOGDIR='$(TAP_DIR)/tmp_check/log' \
		PATH="$(bindir):$$PATH" PG_REGRESS='$(top_builddir)/src/test/regress/pg_regress' \
		$(PROVE) $(PG_PROVE_FLAGS) -I test/perl $(PROVE_FLAGS) $(PROVE_TESTS)

# Release tarball: `make dist` writes azure_blob-<version>.tar.gz and .zip from the committed HEAD
# (git archive; .gitattributes' export-ignore leaves the developers' harness out). The version is
# META.json's, which scripts/check-meta.py first checks against azure_blob.control.
DIST_VERSION = $(shell python3 -c 'import json; print(json.load(open("META.json"))["version"])')
DIST_NAME = $(EXTENSION)-$(DIST_VERSION)
.PHONY: dist
dist:
	python3 scripts/check-meta.py META.json
	@git diff --quiet HEAD -- || echo "dist: warning: uncommitted changes are not in $(DIST_NAME)" >&2
	git archive --format=tar.gz --prefix=$(DIST_NAME)/ -o $(DIST_NAME).tar.gz HEAD
	git archive --format=zip --prefix=$(DIST_NAME)/ -o $(DIST_NAME).zip HEAD
	@echo "dist: wrote $(DIST_NAME).tar.gz and $(DIST_NAME).zip"

# ---------------------------------------------------------------------------
# Test layers, one target each (thin wrappers; `make help-tests` lists them).
# The server layers test the *installed* extension: `make install` first (as
# root), and run tap as a non-root OS user (initdb refuses root).
# ---------------------------------------------------------------------------
CMAKE ?= cmake
UNIT_BUILD ?= build
CLANG_FORMAT ?= $(shell command -v clang-format-14 || command -v clang-format || echo clang-format)
FORMAT_FILES = $(sort $(wildcard src/*.cpp src/*.hpp src/core/*.cpp src/core/*.hpp \
	test/unit/*.cpp test/unit/*.hpp test/fuzz/*.cpp test/fuzz/*.hpp bench/floor/*.c))
.PHONY: help-tests unit regress check-security tap fuzz format format-check compile_commands
help-tests:
	@echo 'make unit              unit tests of src/core (CMake + GoogleTest + ctest; no server, no pg_config)'
	@echo 'make regress           pg_regress suite (sql/, expected/) on the installed extension = installcheck'
	@echo 'make check-security    attack tests (test/security/) = installcheck-security'
	@echo 'make tap               TAP suites test/t/*.pl = installcheck-tap (PROVE_TESTS=test/t/NNN_x.pl for one)'
	@echo 'make fuzz              libFuzzer targets, FUZZ_SECONDS (30) each (test/fuzz/run.sh; clang)'
	@echo 'make format-check      clang-format check of the C/C++ sources; make format rewrites them'
	@echo 'make compile_commands  compile_commands.json of the PGXS build (bear), for clangd and clang-tidy'
	@echo 'test/run-all.sh        every layer, ending with "N passed, M failed"'
unit:
	$(CMAKE) -S . -B $(UNIT_BUILD)
	$(CMAKE) --build $(UNIT_BUILD) -j2
	ctest --test-dir $(UNIT_BUILD) --output-on-failure
regress: installcheck
check-security: installcheck-security
tap: installcheck-tap
fuzz:
	test/fuzz/run.sh
format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)
# One line per file, "ok N - file" or "not ok N - file (L lines differ)", then
# "N passed, M failed"; exits nonzero if a file differs.
format-check:
	@pass=0; fail=0; n=0; \
	for f in $(FORMAT_FILES); do \
		n=$$((n + 1)); \
		d=$$($(CLANG_FORMAT) "$$f" | diff "$$f" - | grep -c '^<'); \
		if [ "$$d" -eq 0 ]; then echo "ok $$n - $$f"; pass=$$((pass + 1)); \
		else echo "not ok $$n - $$f ($$d lines differ; make format)"; fail=$$((fail + 1)); fi; \
	done; \
	echo "1..$$n"; echo "$$pass passed, $$fail failed"; [ "$$fail" -eq 0 ]
# bear records the compiler calls of a full build (with_llvm=no: no bitcode
# duplicates of each file).
compile_commands:
	$(MAKE) clean
	bear -- $(MAKE) -j2 with_llvm=no
