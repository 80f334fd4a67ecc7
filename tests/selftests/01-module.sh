#!/bin/bash
# The module loads and unloads, the genl family resolves, every namespace
# has its own state, and only CAP_NET_ADMIN may talk to it.
. "$(dirname "$0")/lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$NTSCTL" ] || skip_all "build/ntsctl not built (make userspace)"

ktap_plan 20

knts_unload
out=$("$NTSCTL" stats 2>&1); rc=$?
[ "$rc" -eq 3 ] && grep -q 'modprobe knts' <<<"$out"
ok $? "ntsctl says 'modprobe knts' and exits 3 when the module is absent"

check "insmod knts.ko" knts_load
check "the load is logged" sh -c 'dmesg | grep -q "knts: knts .* loaded"'
# pending_selftest.c (test build): the in-flight table grows on demand and
# keeps every entry it moves, in order (a failure fails the load).
check "the in-flight table's growth self-test passed at load" sh -c \
	'dmesg | grep -q "knts: self-test: in-flight table grew from 256 to [0-9]* slots, kept"'
check "ntsctl stats answers in the initial namespace" "$NTSCTL" stats
check "ntsctl --json stats is valid JSON" sh -c "'$NTSCTL' --json stats | python3 -m json.tool"

new_netns a && new_netns b
check "ntsctl stats answers in namespace a" ip netns exec "$a" "$NTSCTL" stats --json
check "ntsctl stats answers in namespace b" ip netns exec "$b" "$NTSCTL" stats --json

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$NTSCTL" stats 2>&1); rc=$?
[ "$rc" -eq 4 ] && grep -q 'permission denied' <<<"$out"
ok $? "an unprivileged user gets EPERM (exit 4)"
[ "$rc" -eq 4 ] || diag "exit $rc: $out"

out=$(capsh --drop=cap_net_admin -- -c "'$NTSCTL' stats" 2>&1); rc=$?
[ "$rc" -eq 4 ]
ok $? "root without CAP_NET_ADMIN gets EPERM (exit 4)"
[ "$rc" -eq 4 ] || diag "exit $rc: $out"

# Namespaces that come and go while the module is loaded.
for i in 1 2 3; do new_netns tmp && ip netns del "$tmp"; done
check "rmmod with live namespaces" knts_unload
check "load again after unload" knts_load
# Settings are per namespace (netlink, admin only): the module has no
# tuning parameter left, and none of its test build's is writable by
# group or others.
loose=$(find /sys/module/knts/parameters -type f -perm /022 2>/dev/null)
old=$(ls /sys/module/knts/parameters 2>/dev/null | grep -xE 'pending_slots|nak_rate|client_idle_secs')
[ -z "$loose" ] && [ -z "$old" ]
ok $? "module parameters: no tuning one (${old:-none}), none writable by group or others${loose:+ ($loose)}"
new_netns c
check "a namespace made after the load has state" ip netns exec "$c" "$NTSCTL" stats
knts_unload

# Autoload, with the module make install and DKMS ship (kmod/knts.ko, no
# KNTS_DEBUG): it carries the genl family alias, and the kernel asks
# modprobe for that alias when ntsctl resolves the family. (A modprobe.d
# entry stands in for depmod, which takes minutes under TCG.)
check "knts.ko carries the alias net-pf-16-proto-16-family-knts" sh -c \
	"modinfo -F alias '$KNTS_KO_SHIPPED' | grep -qx net-pf-16-proto-16-family-knts"
printf 'alias net-pf-16-proto-16-family-knts knts\ninstall knts /sbin/insmod %s\n' \
	"$KNTS_KO_SHIPPED" > /etc/modprobe.d/knts-selftest.conf
check "ntsctl stats autoloads the module through that alias" "$NTSCTL" stats
rm -f /etc/modprobe.d/knts-selftest.conf
# The shipped module has no test code: no test parameters, no debugfs.
check "the shipped module has no test parameter (bench=, kat_*=)" sh -c \
	"! ls /sys/module/knts/parameters | grep -qE '^(bench|kat_inject_fault|kat_skip_wipe)\$'"
check "the shipped module makes no debugfs folder" test ! -e /sys/kernel/debug/knts
knts_unload
knts_load
check "the test build (make module-debug) has its debugfs object counters" \
	test -e /sys/kernel/debug/knts/live_keysets
check "no WARN/BUG in the kernel log" dmesg_clean
knts_unload
ktap_finish
