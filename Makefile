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
SHARED_SRCS := $(wildcard kmod/ef.c kmod/cookie.c kmod/gcmsiv.c kmod/aead.c)
SHARED_CFLAGS := -Iuserspace/kshim -Ikmod

LIB_SRCS := $(wildcard userspace/lib/*.c)
NTSCTL_SRCS := $(wildcard userspace/ntsctl/*.c)
NTSKD_SRCS := $(wildcard userspace/ntskd/*.c)
NTSLOAD_SRCS := $(wildcard userspace/tools/ntsload/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
# knts's AES-NI core is x86-64 code (its kernel build is x86-64 only too).
ifneq ($(shell uname -m),x86_64)
UNIT_SRCS := $(filter-out tests/unit/test_siv_aesni.c tests/unit/test_gcmsiv_aesni.c,$(UNIT_SRCS))
endif
# Tools the selftests run in the VM (not installed: test-only).
TOOL_SRCS := tests/tools/knts-assoc.c


LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o) $(SHARED_SRCS:%.c=$(B)/shared/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(B)/tests/tools/%)

.PHONY: all module module-debug userspace unit style checkpatch sparse selftests check check-under-load \
	deps install clean help fuzz kver bench-siv rpi-check script-tests demo test-tools \
	compat-check compat-check-7 check-arm64 dkms-src dkms-install dkms-remove dkms-check \
	bench-kernel tools stress fuzz-deep bench bench-timing bench-module bench-smoke bench-profile bench-icount bench-pathprof bench-arm64 \
	netlink-gen netlink-gen-check interop

all: module userspace tools

help:
	@echo "make deps        install build and test dependencies (Debian, apt-get)"
	@echo "make             build knts.ko and the userspace (KVER=, KDIR= select the kernel)"
	@echo "make demo        boot the VM: plain chronyd + knts + ntskd serve an NTS client"
	@echo "make check       unit tests, style checks, fuzz smoke run, VM selftests"
	@echo "make unit        userspace unit tests only"
	@echo "make check-under-load  make check twice and test_ke_abuse 20 times with stress-ng on every core"
	@echo "make style       checkpatch --strict and sparse on kmod/ and include/"
	@echo "make netlink-gen regenerate the uapi header and kmod/netlink-gen.[ch] from docs/netlink/knts.yaml"
	@echo "make netlink-gen-check  fail if they differ from what the spec generates (make check does)"
	@echo "make selftests   VM selftests (T=name runs one, e.g. T=netlink)"
	@echo "make interop     the interop selftests in one VM boot; rewrites docs/interop.md"
	@echo "make test-tools  build the selftests' helper tools (tests/tools)"
	@echo "make fuzz        run each fuzzer for FUZZ_SECONDS (default 60)"
	@echo "make fuzz-deep   run each fuzzer for FUZZ_RUNS executions (default 10^7)"
	@echo "make stress      long robustness selftests (>= 10^6 packets) and fuzz-deep"
	@echo "make bench-siv   native ns/request of the shared AES-SIV + cookie path"
	@echo "make bench-kernel in the VM: kernel AES-SIV and path costs; chronyd's own NTS under cachegrind on the host"
	@echo "make bench       in the VM: max rate and CPU/request, plain vs knts vs chronyd/NTPsec NTS (BENCH_QUICK=1)"
	@echo "make bench-timing  in the VM: client-seen delay and offset with and without knts"
	@echo "make bench-icount  instructions per request of the server CPU, A-D (one-CPU icount guest)"
	@echo "make bench-pathprof where a packet leg's instructions go, per function (gdb single-steps bench-kernel's legs)"
	@echo "make bench-arm64   knts's per-request instructions on arm64 (qemu cortex-a72 and cortex-a76, -icount), next to chronyd's NTS"
	@echo "make bench-smoke   in the VM: one short point per bench configuration (~2 min)"
	@echo "make bench-profile in the VM: perf profile of the server CPU, A E D L (~10 min)"
	@echo "make install     DESTDIR=, PREFIX=: ntskd, ntsctl, the module, unit, man pages"
	@echo "make rpi-check   Raspberry Pi: check kernel headers and compilers, say what to do"
	@echo "make script-tests  shell tests of scripts, packaging, man pages, completion"
	@echo "make dkms-install  sources to /usr/src/knts-VERSION, dkms add/build/install (KVER=)"
	@echo "make dkms-remove   dkms remove --all and drop /usr/src/knts-VERSION"
	@echo "make dkms-check  DKMS flow in private trees, then load its module in the VM"
	@echo "make compat-check  build the module for 5.10/6.1/6.12 x amd64/arm64/armhf/armel"
	@echo "make compat-check-7  the same for Debian's newest 7.x (trixie chroot; optional)"
	@echo "make check-arm64 boot Debian's arm64 kernel in qemu, load the cross-built module"

kver:
	@echo "$(KVER)"

module:
	@[ -n "$(KVER)" ] && [ -e "$(KDIR)/Makefile" ] || { \
		echo "knts: no kernel headers found (KVER='$(KVER)' KDIR='$(KDIR)'); run 'make deps' or set KDIR=" >&2; exit 1; }
	@echo "knts: building the module for $(KVER) ($(KVER_WHY))"
	$(MAKE) -C $(KDIR) M=$(CURDIR) KNTS_VERSION=$(VERSION) KNTS_WERROR=$(KNTS_WERROR) modules

# The module with its test code (KNTS_DEBUG, kmod/Kbuild), which the VM
# selftests load: build/debug/kmod/knts.ko. Never installed.
module-debug: module
	tests/bench/build-module debug

userspace: $(B)/ntsctl $(B)/ntskd

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NL_CFLAGS) -MMD -MP -c -o $@ $<

# The version is compiled into ntsctl and ntskd. Make does not see a change
# of CFLAGS, so a stamp that is rewritten only when the version changes
# makes their main.o rebuild.
VERSION_STAMP := $(B)/.version
$(shell mkdir -p $(B) && { [ "$$(cat $(VERSION_STAMP) 2>/dev/null)" = '$(VERSION)' ] || \
	echo '$(VERSION)' > $(VERSION_STAMP); })
$(B)/userspace/ntskd/main.o $(B)/userspace/ntsctl/main.o: $(VERSION_STAMP)

$(B)/shared/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SHARED_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libknts.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/ntsctl: $(NTSCTL_SRCS:%.c=$(B)/%.o) $(B)/libknts.a
	$(CC) $(CFLAGS) -o $@ $^ $(NL_LIBS) $(SSL_LIBS)

# -pthread: name lookups run in helper threads (ntskd/resolve.c)
$(B)/ntskd: $(NTSKD_SRCS:%.c=$(B)/%.o) $(B)/libknts.a
	$(CC) $(CFLAGS) -pthread -o $@ $^ $(NL_LIBS) $(SSL_LIBS)

# ntsload, the NTS load generator (issue 7): OpenSSL only, so it is built
# with the userspace (the VM selftests use it) but never installed.
userspace: $(B)/ntsload
$(B)/ntsload: $(NTSLOAD_SRCS:%.c=$(B)/%.o) $(B)/libknts.a
	$(CC) $(CFLAGS) -o $@ $^ $(SSL_LIBS)

# A unit test may also link sources outside the library (UNIT_EXTRA_<name>).
UNIT_EXTRA_test_ntsload := userspace/tools/ntsload/pool.c userspace/tools/ntsload/hist.c
UNIT_EXTRA_test_config := userspace/ntskd/config.c
UNIT_EXTRA_test_masterkeys := userspace/ntskd/masterkeys.c
UNIT_EXTRA_test_keyfile_follow := userspace/ntskd/keyfile_follow.c userspace/ntskd/masterkeys.c
UNIT_EXTRA_test_ke_response := userspace/ntskd/ke_response.c userspace/ntskd/masterkeys.c \
	userspace/ntskd/config.c
UNIT_EXTRA_test_ke_server := userspace/ntskd/ke_server.c userspace/ntskd/ke_listen.c \
	userspace/ntskd/ke_tls.c userspace/ntskd/ke_ratelimit.c userspace/ntskd/ke_fair.c \
	userspace/ntskd/ke_response.c userspace/ntskd/masterkeys.c userspace/ntskd/config.c \
	userspace/ntskd/loop.c userspace/ntskd/log.c userspace/ntskd/ke_shared.c \
	userspace/ntskd/log_budget.c
# the workers on top of the server (threads: -pthread on the link)
UNIT_EXTRA_test_ke_workers := $(UNIT_EXTRA_test_ke_server) userspace/ntskd/ke_workers.c
UNIT_EXTRA_test_client_policy := userspace/ntskd/client_policy.c
UNIT_EXTRA_test_ke_ratelimit := userspace/ntskd/ke_ratelimit.c userspace/ntskd/ke_fair.c
UNIT_EXTRA_test_ke_fair := userspace/ntskd/ke_fair.c userspace/ntskd/ke_ratelimit.c
UNIT_EXTRA_test_ke_abuse := $(UNIT_EXTRA_test_ke_server)
UNIT_EXTRA_test_client_state := userspace/ntskd/client_state.c
UNIT_EXTRA_test_ke_listen := userspace/ntskd/ke_listen.c userspace/ntskd/loop.c \
	userspace/ntskd/log.c userspace/ntskd/config.c
UNIT_EXTRA_test_file_watch := userspace/ntskd/file_watch.c userspace/ntskd/loop.c \
	userspace/ntskd/log.c
UNIT_EXTRA_test_log := userspace/ntskd/log.c
UNIT_EXTRA_test_log_budget := userspace/ntskd/log_budget.c
# The AES-NI core, with the vector flags its kernel build has (kmod/Kbuild).
UNIT_EXTRA_test_siv_aesni := kmod/siv_aesni.c
$(B)/tests/test_siv_aesni: private CFLAGS += -msse2 -mssse3 -maes
UNIT_EXTRA_test_gcmsiv_aesni := kmod/gcmsiv_aesni.c
$(B)/tests/test_gcmsiv_aesni: private CFLAGS += -msse2 -mssse3 -maes -mpclmul
UNIT_EXTRA_test_privdrop := userspace/ntskd/privdrop.c userspace/ntskd/log.c
UNIT_EXTRA_test_preflight := userspace/ntskd/preflight.c userspace/ntskd/ke_tls.c \
	userspace/ntskd/keyfile_follow.c \
	userspace/ntskd/masterkeys.c userspace/ntskd/config.c userspace/ntskd/log.c
# Tests of ntskd's files see the system's kernel headers, as ntskd does,
# rather than the shim.
UNIT_NTSKD := test_config test_masterkeys test_ke_response test_ke_server \
	test_client_policy test_client_state test_ke_ratelimit test_ke_abuse test_ke_fair \
	test_preflight test_ke_listen test_file_watch test_log test_privdrop test_ke_workers \
	test_keyfile_follow test_log_budget
$(B)/tests/%: tests/unit/%.c $$(UNIT_EXTRA_$$*) $(B)/libknts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(if $(filter $*,$(UNIT_NTSKD)),-Iuserspace/ntskd,$(SHARED_CFLAGS)) \
		-Itests/unit -o $@ $< $(UNIT_EXTRA_$*) $(B)/libknts.a $(NL_LIBS) $(SSL_LIBS) -pthread

$(B)/tests/tools/%: tests/tools/%.c $(B)/libknts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NL_CFLAGS) -o $@ $< $(B)/libknts.a $(NL_LIBS) $(SSL_LIBS)

test-tools: $(TOOL_BINS)

# Fuzzers: libFuzzer + ASan + UBSan over the pure parsers. Each links the
# sources named in FUZZ_EXTRA_<name>: the very files the kernel or ntskd run.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/lib -Iuserspace/ntskd $(SHARED_CFLAGS)
FUZZ_EXTRA_fuzz_ef := kmod/ef.c
FUZZ_EXTRA_fuzz_ke := userspace/lib/ke_record.c
FUZZ_EXTRA_fuzz_config := userspace/ntskd/config.c userspace/lib/ke_record.c
FUZZ_EXTRA_fuzz_ntsc := userspace/lib/nts_client_pkt.c userspace/lib/siv_openssl.c \
	userspace/lib/siv_keyed.c kmod/ef.c
FUZZ_LIBS_fuzz_ntsc := -lcrypto
FUZZ_EXTRA_fuzz_keyfile := userspace/lib/keyfile.c

$(B)/fuzz/%: tests/fuzz/%.c $$(FUZZ_EXTRA_$$*)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_EXTRA_$*) $(FUZZ_LIBS_$*)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BINS)

# Each fuzzer to FUZZ_RUNS executions (issue 8: >= 10^7), one at a time.
FUZZ_RUNS ?= 10000000
fuzz-deep: $(FUZZ_BINS)
	tests/fuzz/deep $(FUZZ_RUNS) $(FUZZ_BINS)

# The long robustness runs (issue 8): the hostile, netlink, flood and
# lifecycle selftests with KNTS_STRESS=1 in one VM boot, then fuzz-deep.
# make check runs the short versions of the same selftests.
STRESS_TESTS ?= 10-hostile 11-netlink 12-flood 13-lifecycle 14-hostile 15-hostile 16-lifecycle 17-ke-abuse \
	18-differential
stress: module userspace tools test-tools
	scripts/stress $(STRESS_TESTS)

# Native benchmark of the shared crypto path (issue 3): ns per server-side
# request with the knts code over OpenSSL next to plain EVP calls.
$(B)/siv_bench: tests/bench/siv_bench.c userspace/lib/siv_openssl.c kmod/cookie.c \
		kmod/gcmsiv.c userspace/lib/gcmsiv_openssl.c
	$(CC) -O2 -std=gnu11 -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/lib $(SHARED_CFLAGS) \
		-o $@ $^ -lcrypto

# ntskd's NTS-KE server code on 127.0.0.1 without the kernel, for the
# handshakes-per-second figures (docs/performance.md; load: ke_abuse rate)
$(B)/ke_serve: tests/bench/ke_serve.c $(UNIT_EXTRA_test_ke_workers) $(B)/libknts.a
	$(CC) $(CFLAGS) -Iuserspace/ntskd -o $@ $^ $(NL_LIBS) $(SSL_LIBS) -pthread

bench-siv: $(B)/siv_bench
	$(B)/siv_bench

# In-kernel micro benchmark (issue 7): knts.ko bench=N in the VM, first
# under qemu -icount (deterministic instruction counts, one CPU), then on
# the guest clock (medians of BENCH_ROUNDS loads); the userspace figures
# of siv_bench beside them. BENCH_BASE=path/to/older/knts.ko (built with
# bench=N) adds its api figures as a "before" column, load by load.
BENCH_N ?= 2048
BENCH_ROUNDS ?= 5
BENCH_BASE ?=
# The icount pass runs second: it ends with the two contract lines
# "bench-kernel: server-request N instructions" and "... client-request
# ..." for the backend knts picks by default (auto). Its output is kept in
# build/bench/kernel-icount.log, whose server-request figure the host part
# (tests/bench/chronyd-cachegrind.sh: chronyd's own NTS on loopback under
# cachegrind) sets against chronyd's; it prints the last two contract
# lines, "bench-kernel: chronyd-nts N instructions" and
# "bench-kernel: server-request/chronyd-nts = x". CG_COUNTS="100 600" is
# its quick mode.
bench-kernel: module-debug $(B)/siv_bench $(B)/ntsload
	tests/vm/run -- tests/bench/kernel-bench.sh wall $(BENCH_N) $(BENCH_ROUNDS) $(BENCH_BASE)
	@mkdir -p $(B)/bench
	@rm -f $(B)/bench/kernel-icount.log $(B)/bench/kernel-icount.rc
	{ VM_QEMU_ARGS="-smp 1 -icount shift=0" tests/vm/run -- \
		tests/bench/kernel-bench.sh icount 256 1 $(BENCH_BASE); \
		echo $$? > $(B)/bench/kernel-icount.rc; } | tee $(B)/bench/kernel-icount.log
	@test "$$(cat $(B)/bench/kernel-icount.rc)" = 0 || \
		{ echo "bench-kernel: the icount pass failed" >&2; exit 1; }
	tests/bench/chronyd-cachegrind.sh $(B)/bench/kernel-icount.log

# Robustness tools run by the VM selftests (issue 8): hostile packets,
# the stand-in daemon, floods, netlink abuse.
TOOL_LIB := tests/tools/ntsgen.c tests/tools/knstat.c tests/tools/rawsend.c
TOOL_EXTRA_hostile := tests/tools/hostile_cases.c
TOOL_EXTRA_hostile_client := tests/tools/hostile_client_cases.c
TOOLS := $(patsubst %,$(B)/tools/%,hostile hostile_client ntp_sink ntp_ask nl_abuse flood ke_abuse)

$(B)/tools/%: tests/tools/%.c $(TOOL_LIB) $$(TOOL_EXTRA_$$*) $(wildcard tests/tools/*.h) $(B)/libknts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NL_CFLAGS) -Ikmod -Itests/tools -o $@ $< \
		$(TOOL_LIB) $(TOOL_EXTRA_$*) $(B)/libknts.a $(NL_LIBS) $(SSL_LIBS)

tools: $(TOOLS)

# Side-by-side benchmark (issue 7) in the VM, and the client-seen timing
# cost of knts. Not part of make check: even the smoke run (every
# configuration answers, the table prints) takes about 2 minutes.
# bench-module builds the no-crypto module of configuration E into
# build/bench/ (never the production module).
bench-module: module
	tests/bench/build-module

bench: all bench-module
	tests/bench/run bench

# The client-seen delay and offset, and the reply leg at the server's NIC
# in TCG microseconds (2-CPU guest), then the reply leg in instructions
# (A and D in the one-CPU icount guest of bench-icount).
bench-timing: all
	tests/bench/run timing
	BENCH_ICOUNT_CONFIGS="A D" BENCH_ICOUNT_ROUNDS=1 BENCH_ICOUNT_SECONDS=5 \
		python3 tests/bench/icount.py

# Emulation-neutral side by side (issue 15): the server of A, B, C, D in a
# one-CPU -icount guest, ntsload on the host over qemu's user network
# (host loopback only); ends with "icount D/A = x", D/B, D/C.
bench-icount: all
	python3 tests/bench/icount.py

# Where the instructions of bench-kernel's packet legs go, function by
# function, counted as its icount pass counts them: qemu's gdb stub (on
# host loopback) single-steps calls of knts_server_in/out and
# knts_client_out/in. PATHPROF_ARGS: see tests/bench/pathprof.py.
PATHPROF_ARGS ?=
bench-pathprof: module-debug
	python3 tests/bench/pathprof.py $(PATHPROF_ARGS)

bench-smoke: all bench-module
	tests/bench/run smoke

# Where the server CPU goes (issue 7): perf in the VM over configurations
# A, E, D and L (D with a lib-only benchmark module: no FPU sections), one
# fixed rate; table in build/bench/profile/report.txt. Not in make check.
$(B)/xsave_bench: tests/bench/xsave_bench.c
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

bench-profile: all bench-module $(B)/xsave_bench
	tests/bench/build-module lib
	tests/bench/profile.sh

unit: $(UNIT_BINS) $(TOOL_BINS) $(B)/tools/ke_abuse
	tests/unit/run $(UNIT_BINS)

checkpatch:
	scripts/checkpatch-run

sparse:
	@[ -e "$(KDIR)/Makefile" ] || { echo "knts: sparse needs kernel headers; run 'make deps'" >&2; exit 1; }
	scripts/sparse-run

style: checkpatch sparse

selftests: module module-debug userspace test-tools tools
	tests/vm/run-selftests $(T)

# The peer x role x AEAD x family table: the interop selftests (those
# scripts/interop-table lists) in one VM boot write their rows into
# build/interop; the table is rendered over docs/interop.md even when a row
# failed (it then says FAIL), and the target fails with the selftests.
INTEROP_TESTS := 03-server-chrony 04-ntskd-server 05-client-role 08-ntskd-client \
	19-aead30 24-xleave 25-trixie-peers
interop: module module-debug userspace test-tools tools
	rm -rf $(B)/interop
	rc=0; VM_TIMEOUT=$${VM_TIMEOUT:-3600} tests/vm/run-selftests $(INTEROP_TESTS) || rc=$$?; \
	scripts/interop-table > docs/interop.md.new && mv docs/interop.md.new docs/interop.md; \
	scripts/interop-table --check && exit $$rc

# Like demo, check needs nothing before it: scripts/deps installs what is
# missing and returns at once otherwise.
check:
	scripts/deps
	scripts/check

# make check's time bounds on a busy machine: stress-ng on every core, the
# once flaky test_ke_abuse UNIT_RUNS (20) times, make check CHECK_RUNS (2)
# times.
check-under-load:
	scripts/deps
	scripts/check-under-load

# The quick start: needs nothing before it (scripts/deps installs what is
# missing and returns at once otherwise), builds, then runs tests/vm/demo.sh
# in the VM. Exits 0 only if the NTS client is authenticated.
demo:
	scripts/deps
	$(MAKE) all
	tests/vm/run -- tests/vm/demo.sh

deps:
	scripts/deps

install: all
	install -D -m 0755 $(B)/ntskd $(DESTDIR)$(SBINDIR)/ntskd
	install -D -m 0755 $(B)/ntsctl $(DESTDIR)$(SBINDIR)/ntsctl
	install -D -m 0644 kmod/knts.ko $(DESTDIR)/lib/modules/$(KVER)/updates/knts.ko
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

# DKMS. DKMS_SRCTREE, DKMS_TREE, DKMS_INSTALLTREE and DKMS_FLAGS point
# dkms at private trees (tests/dkms/build does); the defaults are the
# system's (/usr/src, /var/lib/dkms, /lib/modules).
DKMS_NAME := knts
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRCTREE ?= /usr/src
DKMS_TREE ?=
DKMS_INSTALLTREE ?=
DKMS_FLAGS ?=
DKMS_SRC := $(DESTDIR)$(DKMS_SRCTREE)/$(DKMS_NAME)-$(DKMS_VERSION)
DKMS_FILES := dkms.conf Kbuild LICENSE kmod/Kbuild include/uapi/linux/knts.h \
	$(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h)
DKMS = dkms --sourcetree $(DKMS_SRCTREE) $(if $(DKMS_TREE),--dkmstree $(DKMS_TREE)) \
	$(if $(DKMS_INSTALLTREE),--installtree $(DKMS_INSTALLTREE)) $(DKMS_FLAGS)
DKMS_MV := -m $(DKMS_NAME) -v $(DKMS_VERSION)

# The source tree only (also what a -dkms package ships; DESTDIR= works).
dkms-src:
	rm -rf $(DKMS_SRC)
	for f in $(DKMS_FILES); do install -D -m 0644 $$f $(DKMS_SRC)/$$f || exit 1; done

dkms-install: dkms-src
	@[ -n "$(KVER)" ] || { echo "knts: no kernel to build for; set KVER=" >&2; exit 1; }
	$(DKMS) status $(DKMS_MV) | grep -q . || $(DKMS) add $(DKMS_MV)
	@# --force: dkms-src has just replaced the sources; rebuild from them.
	$(DKMS) build $(DKMS_MV) -k $(KVER) --force
	$(DKMS) install $(DKMS_MV) -k $(KVER) --force

dkms-remove:
	if $(DKMS) status $(DKMS_MV) | grep -q .; then $(DKMS) remove $(DKMS_MV) --all; fi
	rm -rf $(DKMS_SRC)

dkms-check: module userspace
	tests/dkms/build
	tests/vm/run-selftests 07-dkms

compat-check:
	scripts/compat-check $(TARGETS)

# The netlink code from its spec, with the kernel's ynl-gen (make deps).
netlink-gen:
	scripts/netlink-gen

netlink-gen-check:
	scripts/netlink-gen --check

# Optional (not in make check): Debian's newest 7.x kernel, in a trixie chroot.
compat-check-7:
	scripts/compat-check-7

# Host half of check-arm64's NTS exchange (builds and checks the packets).
$(B)/arm64/ntsvec: tests/arm64/ntsvec.c $(B)/libknts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SHARED_CFLAGS) -o $@ $< $(B)/libknts.a $(SSL_LIBS)

check-arm64: $(B)/arm64/ntsvec
	tests/arm64/run

# knts's server and client paths on arm64 in instructions, per CPU model
# and AES backend, and chronyd's own NTS on the same models
# (tests/arm64/bench; runs check-arm64 first if needed).
# Not in make check.
bench-arm64:
	tests/arm64/bench

# Not kbuild's "make M=. clean": that deletes every *.a, *.o, *.ko and
# .*.cmd under the project, .cache/ included (cross sysroots, the arm64
# kernel's modules, the trixie chroot's libc).
clean:
	rm -rf $(B)
	rm -f Module.symvers modules.order .*.cmd kmod/modules.order \
		$(addprefix kmod/,*.o *.ko *.mod *.mod.c .*.cmd .*.d)

include packaging/install.mk

# Raspberry Pi: is this system ready to build knts.ko, and if not, what to do.
rpi-check:
	scripts/rpi-setup

# Cheap shell tests of scripts, packaging, man pages and completion.
script-tests: userspace module module-debug
	tests/scripts/run

# make print-VAR: the value of a make variable (used by tests).
print-%:
	@echo '$($*)'

-include $(shell find $(B) -name '*.d' 2>/dev/null)
