#!/bin/bash
# The AES-SIV and AES-128-GCM-SIV known-answer tests run at load on every AES backend (and on
# the fallback inside a kernel FPU section, where SIMD is not usable),
# pass on a good build, and a failing one refuses the load with a clear
# message. The in-kernel benchmark (bench=N) runs the server path on
# every backend and refuses the load if a reply does not authenticate.
# After the KATs the load wipes the per-CPU AES state (as a freed key set
# does) and proves the transforms forgot the test keys; with the wipe
# skipped (kat_skip_wipe=1) that check fails and refuses the load.
. "$(dirname "$0")/lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
ktap_plan 17

has_kat() { dmesg | grep -q "knts: self-tests: 10 passed on $1"; }

knts_unload
dmesg -C
check "insmod knts.ko" knts_load
check "the KATs pass on the api backend (crypto API templates)" has_kat api
check "the KATs pass on the lib backend (lib/crypto AES)" has_kat lib
if grep -qw aes /proc/cpuinfo && [ "$(uname -m)" = x86_64 ]; then
	check "with AES-NI the fast path is knts's own AES-NI core (aesni)" sh -c \
		'dmesg | grep -q "knts: AES-SIV on aesni, lib when SIMD is not usable"'
	check "the KATs pass on simd, on aesni and on the lib fallback with SIMD unusable" \
		sh -c 'dmesg | grep -q "knts: self-tests: 10 passed on simd" &&
		       dmesg | grep -q "knts: self-tests: 10 passed on aesni\$" &&
		       dmesg | grep -q "knts: self-tests: 10 passed on lib, as the fallback"'
	check "the KATs pass with all their operations in one FPU section (aesni)" \
		sh -c 'dmesg | grep -q "knts: self-tests: 10 passed on aesni, in one FPU section"'
	check "backend parity: aesni and lib give the same bytes for keys of 32, 48 and 64 bytes" \
		sh -c 'dmesg | grep -q "knts: self-tests: aesni and lib agree on 27 inputs"'
else
	skip "with AES-NI the fast path is knts's own AES-NI core (aesni)" "no AES-NI"
	skip "the KATs pass on simd, aesni and on the fallback" "no AES-NI"
	skip "the KATs pass in one FPU section" "no AES-NI"
	skip "backend parity aesni/lib" "no AES-NI"
fi
check "the AES-128-GCM-SIV KATs pass (RFC 8452 C.1, POLYVAL, a GCM-SIV cookie)" \
	sh -c 'dmesg | grep -q "knts: self-tests: 5 passed on gcm-siv (lib AES)"'
if grep -qw aes /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo &&
   [ "$(uname -m)" = x86_64 ]; then
	# Each line is printed only when the operation counters show that
	# every AEAD 30 operation ran on the backend it names.
	check "AEAD 30 KATs on knts's AES-NI + PCLMULQDQ core, in one FPU section, and on the lib fallback" \
		sh -c 'dmesg | grep -q "knts: AES-128-GCM-SIV on aesni (PCLMULQDQ), lib when SIMD is not usable" &&
		       dmesg | grep -q "knts: self-tests: 5 passed on gcm-siv (aesni)\$" &&
		       dmesg | grep -q "knts: self-tests: 5 passed on gcm-siv (aesni, in one FPU section)" &&
		       dmesg | grep -q "knts: self-tests: 5 passed on gcm-siv (lib AES, as the fallback with SIMD not usable)"'
	check "AEAD 30 backend parity: aesni and lib give the same bytes on 48 inputs" \
		sh -c 'dmesg | grep -q "knts: self-tests: gcm-siv aesni and lib agree on 48 inputs"'
else
	skip "AEAD 30 KATs on the AES-NI + PCLMULQDQ core" "no AES-NI or PCLMULQDQ"
	skip "AEAD 30 backend parity aesni/lib" "no AES-NI or PCLMULQDQ"
fi
check "the per-CPU AES state forgot the KATs' keys (checked at load)" sh -c \
	'dmesg | grep -q "knts: self-test: the per-CPU AES state forgot its keys"'
knts_unload
dmesg -C
check_fails "without the wipe, the check finds a key and refuses the load" \
	insmod "$KNTS_KO" kat_skip_wipe=1
check "the refusal names what survived" sh -c \
	'dmesg | grep -q "knts: self-test: a key survived its wipe (api transforms NOT wiped"'
dmesg -C
check_fails "a corrupted known answer refuses the load" insmod "$KNTS_KO" kat_inject_fault=1
check "the refusal names the failing test" sh -c \
	'dmesg | grep -q "knts: self-test nts-synthetic-request failed" &&
	 dmesg | grep -q "refusing to load"'
check "the module is not left loaded" sh -c '! grep -q "^knts " /proc/modules'
dmesg -C
check "bench=64: the server path on every backend signs replies that verify" \
	sh -c "insmod '$KNTS_KO' bench=64 && dmesg | grep -q 'knts: bench: server-request *auto'"
knts_unload
ktap_finish
