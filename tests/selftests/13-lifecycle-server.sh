#!/bin/bash
# Lifecycle under load, server role (issue 8, part 3): rmmod while NTS
# traffic flows, deleting network namespaces that hold live in-flight
# entries, replacing the master keys in a loop under load. No WARN (the
# VM panics on one), no leak: knts's in-flight tables and key sets are
# counted exactly (debugfs knts/live_*, kmod/objcount.c), and the
# unreclaimable slab is compared before and after.
# KNTS_STRESS=1: more cycles.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$TOOLS/flood" ] || skip_all "build/tools not built (make tools)"

cycles=${LIFECYCLE_CYCLES:-3} key_loops=${LIFECYCLE_KEY_LOOPS:-100}
[ "$STRESS" = 1 ] && cycles=${LIFECYCLE_CYCLES:-50} key_loops=${LIFECYCLE_KEY_LOOPS:-1000}

ktap_plan 9
settle_mem() { sleep 3; sync; echo 3 > /proc/sys/vm/drop_caches; }
make_nks0 "$LAB/keys-a"
make_nks0 "$LAB/keys-b"
knts_unload
settle_mem
slab0=$(slab_kb)

# lab NS-VAR CLI-VAR: a server namespace with knts on, a client one.
lab() {
	local _s _c
	new_netns _s && new_netns _c || return 1
	ip link add kv0 netns "$_s" type veth peer name kv1 netns "$_c" &&
	ip -n "$_s" link set kv0 up && ip -n "$_c" link set kv1 up &&
	addr_add "$_s" kv0 10.77.0.1/24 && addr_add "$_c" kv1 10.77.0.2/24 &&
	ip -n "$_s" route add 10.78.0.0/16 via 10.77.0.2 || return 1
	ip netns exec "$_s" "$NTSCTL" server enable port 123 policy nts-only >/dev/null &&
	ip netns exec "$_s" "$NTSCTL" load-keys "$LAB/keys-a" >/dev/null || return 1
	printf -v "$1" '%s' "$_s"
	printf -v "$2" '%s' "$_c"
}
# load NS PAIRS [ARGS]: valid NTS requests from many clients, in the background.
load() {
	ip netns exec "$2" "$TOOLS/flood" --keys "$LAB/keys-a" --src-net 10.78.0.0 \
		--dst 10.77.0.1 --pairs "$3" --rate 1000 "${@:4}" >/dev/null 2>&1 &
}

# 1. rmmod while traffic flows (the module is reloaded each cycle).
fails=0
for i in $(seq "$cycles"); do
	knts_load || fails=$((fails + 1))
	lab s c || fails=$((fails + 1))
	load "$s" "$c" 100000
	pid=$!
	sleep 1
	# Namespaces stay; their hooks and state go with the module.
	rmmod knts || fails=$((fails + 1))
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	ip netns del "$s"; ip netns del "$c"
done
ok "$fails" "rmmod under NTS load, $cycles cycles"

# 2. Deleting namespaces with live in-flight entries (nobody answers).
knts_load
fails=0 live=0
for i in $(seq "$cycles"); do
	lab s c || fails=$((fails + 1))
	load "$s" "$c" 100000
	pid=$!
	sleep 1
	live=$((live + $(knts_stat "$s" srv_req_verified)))
	ip netns del "$s"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	ip netns del "$c"
done
[ "$fails" -eq 0 ] && [ "$live" -gt 0 ]
ok $? "namespaces deleted with live entries under load, $cycles cycles ($live requests verified just before)"
live_is tables 0 && live_is keysets 0
ok $? "every deleted namespace freed its table and keys ($(knts_live tables) tables, $(knts_live keysets) key sets left)"

# 3. Replacing the master keys under load: the flood's cookie is under
# keys-a, so requests verify or get NAKs as the sets alternate.
lab s c
load "$s" "$c" 1000000
pid=$!
fails=0
for i in $(seq "$key_loops"); do
	f=$LAB/keys-a; [ $((i % 2)) -eq 0 ] && f=$LAB/keys-b
	ip netns exec "$s" "$NTSCTL" load-keys "$f" >/dev/null || fails=$((fails + 1))
done
ip netns exec "$s" "$NTSCTL" load-keys "$LAB/keys-a" >/dev/null
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
v=$(knts_stat "$s" srv_req_verified) n=$(knts_stat "$s" srv_nak_unknown_key)
diag "$key_loops key replacements under load: $v requests verified, $n NAKs for an unknown key"
[ "$fails" -eq 0 ] && [ "$v" -gt 0 ]
ok $? "$key_loops key set replacements under load, all accepted, traffic verified"
live_is keysets 1
ok $? "replaced key sets are freed: $(knts_live keysets) alive after $key_loops replacements"
check "server disable under no load" ip netns exec "$s" "$NTSCTL" server disable
ip netns del "$s"; ip netns del "$c"

check "the module unloads at the end" knts_unload
settle_mem
slab1=$(slab_kb)
diag "unreclaimable slab: $slab0 kB before, $slab1 kB after"
[ "$slab1" -lt $((slab0 + 8192)) ]
ok $? "memory back to baseline after unload (slab within 8 MiB)"
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
ktap_finish
