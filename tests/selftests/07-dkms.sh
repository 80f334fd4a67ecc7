#!/bin/bash
# The module DKMS built and installed (tests/dkms/build, on the host, in
# private trees) loads in the VM kernel, passes its known-answer tests
# and serves the genl family.
. "$(dirname "$0")/lib.sh"

DKMS_KO=$PROJECT/build/dkms/knts.ko
[ -s "$DKMS_KO" ] || skip_all "no build/dkms/knts.ko: run tests/dkms/build first (make dkms-check and make check do)"
[ -x "$NTSCTL" ] || skip_all "build/ntsctl not built (make userspace)"
ktap_plan 6

check "built by DKMS for the running kernel $(uname -r)" \
	grep -qx "$(uname -r)" "$PROJECT/build/dkms/kver"
knts_unload
dmesg -C
modprobe -q cmac 2>/dev/null; modprobe -q ctr 2>/dev/null
check "insmod the DKMS-built knts.ko" insmod "$DKMS_KO"
out=$(dmesg)
grep -qE 'knts: self-tests: [1-9][0-9]* passed' <<<"$out" &&
	! grep -q 'knts: self-test .* failed' <<<"$out"
ok $? "its known-answer tests passed ($(grep -oE 'self-tests: [0-9]+ passed' <<<"$out"))"
check "ntsctl stats talks to it over genl" "$NTSCTL" stats
check "rmmod" knts_unload
check "no WARN/BUG in the kernel log" dmesg_clean
ktap_finish
