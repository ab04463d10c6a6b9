# azure_blob: PGXS build (make, make install, make installcheck).
EXTENSION   = azure_blob
MODULE_big  = azure_blob
SRCS        = $(wildcard src/*.cpp src/core/*.cpp)
OBJS        = $(SRCS:.cpp=.o)
DATA        = $(wildcard azure_blob--*.sql)
PGFILEDESC  = "azure_blob - Azure Blob Storage SAS URLs and file metadata"

REGRESS      = setup accounts keys_at_rest sas metadata security errors privileges badinput cleanup
REGRESS_OPTS = --load-extension=$(EXTENSION) --encoding=UTF8 --no-locale

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
