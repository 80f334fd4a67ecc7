# SPDX-License-Identifier: GPL-2.0
#
# knts: one Makefile for the module, the userspace and the checks.
# The kernel side is built by kbuild from ./Kbuild and kmod/Kbuild; this
# file only drives it. Run `make help` for the targets.

# DKMS invokes us with KERNELRELEASE= on the command line; it means the
# same as KVER.
ifneq ($(KERNELRELEASE),)
KVER ?= $(KERNELRELEASE)
endif

ifeq ($(KDIR),)
ifeq ($(KVER),)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KVER := $(shell uname -r)
KVER_WHY := the running kernel
else
KVER := $(shell for v in $$(ls /lib/modules 2>/dev/null | sort -V); do \
		[ -e /lib/modules/$$v/build ] && echo $$v; done | tail -n 1)
KVER_WHY := the newest kernel with headers under /lib/modules; the running one has none
endif
else
KVER_WHY := KVER
endif
KDIR := /lib/modules/$(KVER)/build
else
KVER_WHY := KDIR
ifeq ($(KVER),)
KVER := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
endif
endif
export KVER KDIR

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
DESTDIR ?=
B := build
.SECONDEXPANSION:

CC ?= cc
PKG_CONFIG ?= pkg-config
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -D_GNU_SOURCE $(WARN) -DKNTS_VERSION='"$(VERSION)"' \
	-Iinclude/uapi -Iuserspace/lib
NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3)
SSL_LIBS := $(shell $(PKG_CONFIG) --libs libssl libcrypto 2>/dev/null || echo -lssl -lcrypto)

# Kernel sources that also build in userspace (tests, fuzzers, ntskd):
# they include only what userspace/kshim provides.
SHARED_SRCS := $(wildcard kmod/ef.c kmod/cookie.c)
SHARED_CFLAGS := -Iuserspace/kshim -Ikmod

LIB_SRCS := $(wildcard userspace/lib/*.c)
NTSCTL_SRCS := $(wildcard userspace/ntsctl/*.c)
NTSKD_SRCS := $(wildcard userspace/ntskd/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)


LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o) $(SHARED_SRCS:%.c=$(B)/shared/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all module userspace unit style checkpatch sparse selftests check \
	deps install clean help fuzz kver bench-siv tools stress fuzz-deep

all: module userspace tools

help:
	@echo "make deps        install build and test dependencies (Debian, apt-get)"
	@echo "make             build knts.ko and the userspace (KVER=, KDIR= select the kernel)"
	@echo "make check       unit tests, style checks, fuzz smoke run, VM selftests"
	@echo "make unit        userspace unit tests only"
	@echo "make style       checkpatch --strict and sparse on kmod/ and include/"
	@echo "make selftests   VM selftests (T=name runs one, e.g. T=netlink)"
	@echo "make fuzz        run each fuzzer for FUZZ_SECONDS (default 60)"
	@echo "make fuzz-deep   run each fuzzer for FUZZ_RUNS executions (default 10^7)"
	@echo "make stress      long robustness selftests (>= 10^6 packets) and fuzz-deep"
	@echo "make bench-siv   native ns/request of the shared AES-SIV + cookie path"
	@echo "make install     DESTDIR=, PREFIX=: ntskd, ntsctl and the module"

kver:
	@echo "$(KVER)"

module:
	@[ -n "$(KVER)" ] && [ -e "$(KDIR)/Makefile" ] || { \
		echo "knts: no kernel headers found (KVER='$(KVER)' KDIR='$(KDIR)'); run 'make deps' or set KDIR=" >&2; exit 1; }
	@echo "knts: building the module for $(KVER) ($(KVER_WHY))"
	$(MAKE) -C $(KDIR) M=$(CURDIR) KNTS_VERSION=$(VERSION) modules

userspace: $(B)/ntsctl $(B)/ntskd

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/shared/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SHARED_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libknts.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/ntsctl: $(NTSCTL_SRCS:%.c=$(B)/%.o) $(B)/libknts.a
	$(CC) $(CFLAGS) -o $@ $^ $(NL_LIBS) $(SSL_LIBS)

$(B)/ntskd: $(NTSKD_SRCS:%.c=$(B)/%.o) $(B)/libknts.a
	$(CC) $(CFLAGS) -o $@ $^ $(NL_LIBS) $(SSL_LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libknts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SHARED_CFLAGS) -Itests/unit -o $@ $< $(B)/libknts.a $(NL_LIBS) $(SSL_LIBS)

# Fuzzers: libFuzzer + ASan + UBSan over the pure parsers. Each links the
# sources named in FUZZ_EXTRA_<name>: the very files the kernel or ntskd run.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/lib $(SHARED_CFLAGS)
FUZZ_EXTRA_fuzz_ef := kmod/ef.c
FUZZ_EXTRA_fuzz_ke := userspace/lib/ke_record.c
FUZZ_EXTRA_fuzz_keyfile := userspace/lib/keyfile.c

$(B)/fuzz/%: tests/fuzz/%.c $$(FUZZ_EXTRA_$$*)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_EXTRA_$*)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BINS)

# Each fuzzer to FUZZ_RUNS executions (issue 8: >= 10^7), one at a time.
FUZZ_RUNS ?= 10000000
fuzz-deep: $(FUZZ_BINS)
	tests/fuzz/deep $(FUZZ_RUNS) $(FUZZ_BINS)

# The long robustness runs (issue 8): the hostile, netlink, flood and
# lifecycle selftests with KNTS_STRESS=1 in one VM boot, then fuzz-deep.
# make check runs the short versions of the same selftests.
STRESS_TESTS ?= 10-hostile 11-netlink 12-flood 13-lifecycle 14-hostile
stress: module userspace tools
	scripts/stress $(STRESS_TESTS)

# Native benchmark of the shared crypto path (issue 3): ns per server-side
# request with the knts code over OpenSSL next to plain EVP calls.
$(B)/siv_bench: tests/bench/siv_bench.c userspace/lib/siv_openssl.c kmod/cookie.c
	$(CC) -O2 -std=gnu11 -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/lib $(SHARED_CFLAGS) \
		-o $@ $^ -lcrypto

bench-siv: $(B)/siv_bench
	$(B)/siv_bench

# Robustness tools run by the VM selftests (issue 8): hostile packets,
# the stand-in daemon, floods, netlink abuse.
TOOL_LIB := tests/tools/ntsgen.c tests/tools/knstat.c tests/tools/rawsend.c
TOOL_EXTRA_hostile := tests/tools/hostile_cases.c
TOOLS := $(patsubst %,$(B)/tools/%,hostile ntp_sink nl_abuse flood)

$(B)/tools/%: tests/tools/%.c $(TOOL_LIB) $$(TOOL_EXTRA_$$*) $(wildcard tests/tools/*.h) $(B)/libknts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NL_CFLAGS) -Ikmod -Itests/tools -o $@ $< \
		$(TOOL_LIB) $(TOOL_EXTRA_$*) $(B)/libknts.a $(NL_LIBS) $(SSL_LIBS)

tools: $(TOOLS)

unit: $(UNIT_BINS)
	tests/unit/run $(UNIT_BINS)

checkpatch:
	scripts/checkpatch-run

sparse:
	@[ -e "$(KDIR)/Makefile" ] || { echo "knts: sparse needs kernel headers; run 'make deps'" >&2; exit 1; }
	scripts/sparse-run

style: checkpatch sparse

selftests: module userspace tools
	tests/vm/run-selftests $(T)

check:
	scripts/check

deps:
	scripts/deps

install: all
	install -D -m 0755 $(B)/ntskd $(DESTDIR)$(SBINDIR)/ntskd
	install -D -m 0755 $(B)/ntsctl $(DESTDIR)$(SBINDIR)/ntsctl
	install -D -m 0644 kmod/knts.ko $(DESTDIR)/lib/modules/$(KVER)/updates/knts.ko
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

clean:
	rm -rf $(B)
	@if [ -e "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

-include $(shell find $(B) -name '*.d' 2>/dev/null)
