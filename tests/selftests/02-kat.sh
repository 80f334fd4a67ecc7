#!/bin/bash
# The AES-SIV known-answer tests run at load, pass on a good build, and a
# failing one refuses the load with a clear message.
. "$(dirname "$0")/lib.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built (make module)"
ktap_plan 5

knts_unload
dmesg -C
check "insmod knts.ko" knts_load
check "all 5 self-tests passed (dmesg)" sh -c 'dmesg | grep -q "knts: self-tests: 5 passed"'
knts_unload
dmesg -C
check_fails "a corrupted known answer refuses the load" insmod "$KNTS_KO" kat_inject_fault=1
check "the refusal names the failing test" sh -c \
	'dmesg | grep -q "knts: self-test nts-synthetic-request failed" &&
	 dmesg | grep -q "refusing to load"'
check "the module is not left loaded" sh -c '! grep -q "^knts " /proc/modules'
ktap_finish
