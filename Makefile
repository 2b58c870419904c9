# SPDX-License-Identifier: MIT
# Builds hopsim, its unit tests (plain and with sanitizers) and runs them.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    ?= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Werror
PREFIX  ?= /usr/local
PYTHON  ?= /usr/bin/python3
BUILD   ?= build

PKGS        := libfyaml libnl-route-3.0 libnl-3.0 libpcap
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS  := $(shell pkg-config --libs check 2>/dev/null)

CPPFLAGS += -Iinclude -D_GNU_SOURCE
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP

# Modules that do no I/O; the unit tests link these alone.
CORE_SRCS := src/checksum.c src/packet.c src/queue.c src/rtable.c \
	     src/topology.c src/topo_load.c src/random.c src/link.c \
	     src/ratelimit.c src/reasm.c src/engine.c src/engine6.c \
	     src/packet6.c src/rtable6.c src/redirect.c
IO_SRCS   := src/io_netns.c src/io_tun.c src/io_net.c src/io_loop.c \
	     src/io_pcap.c
MAIN_SRCS := src/hopsim.c
TEST_SRCS := $(wildcard tests/check_*.c)

SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all

ifeq ($(V),1)
Q :=
else
Q := @
endif

obj = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

CORE_OBJS  := $(call obj,plain,$(CORE_SRCS))
IO_OBJS    := $(call obj,plain,$(IO_SRCS))
MAIN_OBJS  := $(call obj,plain,$(MAIN_SRCS)) $(BUILD)/plain/default_topology.o
TEST_OBJS  := $(call obj,plain,$(TEST_SRCS))
SAN_OBJS   := $(call obj,san,$(CORE_SRCS) $(TEST_SRCS))

.PHONY: all check unit unit-plain unit-sanitize integration demo deps \
	install clean format-check

all: hopsim

hopsim: $(CORE_OBJS) $(IO_OBJS) $(MAIN_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/plain/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(SANITIZE) \
		-c -o $@ $<

# The default topology is compiled in, so `hopsim run` needs no file.
$(BUILD)/default_topology.c: topologies/default.yaml
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q){ echo '/* Generated from topologies/default.yaml. */'; \
	  echo '#include <stddef.h>'; \
	  echo 'const char hopsim_default_topology[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; \
	  echo 'const size_t hopsim_default_topology_len ='; \
	  echo '	sizeof(hopsim_default_topology) - 1;'; } > $@

$(BUILD)/plain/default_topology.o: $(BUILD)/default_topology.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) -std=c11 $(WARN) -Wno-missing-prototypes \
		$(CFLAGS) -c -o $@ $<

$(BUILD)/check_hopsim: $(CORE_OBJS) $(TEST_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS) -lm

$(BUILD)/check_hopsim_san: $(SAN_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS) -lm

deps:
	$(Q)sh scripts/install-deps

unit-plain: $(BUILD)/check_hopsim
	$(Q)cd tests && ../$(BUILD)/check_hopsim

unit-sanitize: $(BUILD)/check_hopsim_san
	$(Q)cd tests && ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1 ../$(BUILD)/check_hopsim_san

unit: unit-plain unit-sanitize

# Conformance tests replay crafted packets through hopsim and compare the
# replies byte for byte; integration tests run the real tools against it
# in namespaces they create.
integration: hopsim
	$(Q)$(PYTHON) -m pytest -q -p no:cacheprovider tests/conformance \
		tests/integration

format-check:
	$(Q)clang-format --dry-run -Werror src/*.c src/*.h include/hopsim/*.h \
		tests/*.c tests/check_suites.h

check: deps
	$(Q)$(MAKE) --no-print-directory all unit format-check
	$(Q)$(MAKE) --no-print-directory integration

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(PYTHON) scripts/demo

install: hopsim
	install -D -m 0755 hopsim $(DESTDIR)$(PREFIX)/bin/hopsim

clean:
	rm -rf $(BUILD) hopsim

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
