#!/bin/bash
# keyfile-follow (issue 16): an NTP host keeps up with a rotating chrony.
#
#   A  own       ntskd `keyfile-follow` on a file the test writes (no
#                chrony, no races): missing at start, the role waits closed
#                (enabled, no keys, no NTS-KE listener); garbage keeps it
#                closed; a good file opens it; a new file is a followed
#                rotation; a file cut short, garbage and a deleted file
#                keep the kernel's keys; SIGUSR2 rotates nothing.
#   B  ke -- ntp chrony 4.3 is the pool's NTS-KE server and rotates its
#                keys every $ROT s (ntsrotate, ntsdumpdir: it rewrites
#                ntskeys by a rename at each rotation; ntsntpserver points
#                its clients at the NTP host). The NTP host runs a plain
#                chronyd behind knts (nts-only) and ntskd following
#                chrony's ntskeys. A chrony NTS client authenticates across
#                3 rotations. A cookie sealed under chrony's current key
#                before a rotation (knts-assoc, from a copy of the file) is
#                accepted after it, while the key is a previous one in
#                chrony's ring, and NAKed (unknown key) once chrony dropped
#                it.
#   C  the same with chrony 4.6.1 (Debian 13: AEAD 30 master keys, NKS1)
#                from the Debian 13 peer root that make deps makes in
#                .cache/trixie-peers (scripts/trixie-peers); failed, not
#                skipped, without it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
command -v chronyd >/dev/null || skip_all "chrony not installed"

# chrony's rotation period in B: short, yet long enough under TCG on a
# busy machine for a cookie test (a few processes) to run between two
# rotations (10 s was too short there).
ROT=${FOLLOW_ROTATE:-20}

ktap_plan 26
knts_load
make_pki knts-test 127.0.0.1 10.76.0.1 10.76.0.2 10.77.0.1 10.77.0.2

# The kernel's key IDs in NS (sorted), its current key; a key file's IDs
# (sorted) and its current key (the third key line, chrony's slot order).
kernel_ids() { ip netns exec "$1" "$NTSCTL" show | grep -E '^    [0-9A-F]{8}  loaded' | awk '{ print $1 }' | sort; }
kernel_current() { ip netns exec "$1" "$NTSCTL" show | awk '/\(current\)/ { print $1 }'; }
file_ids() { awk 'NR > 2 { print $1 }' "$1" 2>/dev/null | sort; }
file_current() { awk 'NR == 5 { print $1 }' "$1" 2>/dev/null; }
# The kernel in NS holds exactly FILE's keys, FILE's current one current.
kernel_follows() {
	local ids
	ids=$(file_ids "$2")
	[ -n "$ids" ] && [ "$(kernel_ids "$1")" = "$ids" ] &&
		[ "$(kernel_current "$1")" = "$(file_current "$2")" ]
}
ke_stat() { ip netns exec "$1" "$NTSCTL" ke-stats | awk -v n="$2" '$1 == n { print $2 }'; }
ke_port_open() { ip netns exec "$1" ss -Hltn "sport = :4460" | grep -q LISTEN; }
# put FILE TEXT-FILE: replace FILE by a rename, as chrony does
put() { cp "$2" "$1.tmp" && mv "$1.tmp" "$1"; }
log_count() { grep -cF -- "$2" "$LAB/$1/ntskd.log"; }

# --- A: a file the test writes ---
new_netns own
mkdir -p "$LAB/own-dir" && chmod 700 "$LAB/own-dir"
OWNF=$LAB/own-dir/ntskeys
check "A: ntskd starts with keyfile-follow on a file that is not there yet" \
	ntskd_start "$own" kdo "ke-listen 127.0.0.1" "cert $LAB/pki/server.crt" \
	"key $LAB/pki/server.key" "keyfile-follow $OWNF" "policy nts-only"
closed() {
	ntskd_logged kdo "$OWNF does not exist yet: the server role stays closed" &&
	ip netns exec "$own" "$NTSCTL" show | grep -q '^server role: enabled' &&
	ip netns exec "$own" "$NTSCTL" show | grep -q 'keys: none (every NTS request gets a NAK)' &&
	! ke_port_open "$own"
}
check "A: missing at start: warned; role enabled without keys (NAKs), no NTS-KE listener" closed
printf 'NKS0\n15 0.0\nnot a key\n' > "$LAB/garbage"
put "$OWNF" "$LAB/garbage"
closed_bad() {
	ntskd_logged kdo "the server role stays closed until the file is good" &&
	ip netns exec "$own" "$NTSCTL" show | grep -q 'keys: none' && ! ke_port_open "$own"
}
check "A: a garbage file keeps the role closed" wait_for 20 closed_bad
"$NTSCTL" keygen "$LAB/k1" >/dev/null && put "$OWNF" "$LAB/k1"
opened() { kernel_follows "$own" "$OWNF" && ke_port_open "$own"; }
check "A: a good file: the kernel takes its 4 keys (its current key current), NTS-KE opens" \
	wait_for 20 opened
"$NTSCTL" keygen "$LAB/k2" >/dev/null && put "$OWNF" "$LAB/k2"
rotated() { kernel_follows "$own" "$OWNF" && [ "$(ke_stat "$own" rotations)" = 1 ]; }
check "A: a new file is followed: the kernel has its keys, ke-stats rotations 1" \
	wait_for 20 rotated
before=$(kernel_ids "$own"; kernel_current "$own")
check "A: the kernel's key set read back (4 IDs and the current one)" \
	test "$(printf '%s\n' "$before" | grep -cE '^[0-9A-F]{8}$')" = 5
fails0=$(ke_stat "$own" rotation_failures)
"$NTSCTL" keygen "$LAB/k3" >/dev/null && head -4 "$LAB/k3" > "$LAB/k3cut"
put "$OWNF" "$LAB/k3cut"
kept() {
	ntskd_logged kdo "2 keys where chrony writes 4 (cut short?); keeping the keys in use" &&
	[ "$(ke_stat "$own" rotation_failures)" -gt "$fails0" ]
}
check "A: a file cut short (2 of 4 keys) is refused whole, logged, counted" wait_for 20 kept
check "A: ... and the kernel keeps every previous key and the current one" \
	test "$(kernel_ids "$own"; kernel_current "$own")" = "$before"
put "$OWNF" "$LAB/garbage"
wait_for 20 test "$(ke_stat "$own" rotation_failures)" -gt $((fails0 + 1))
check "A: garbage mid-way: refused, the kernel's keys unchanged" \
	test "$(kernel_ids "$own"; kernel_current "$own")" = "$before"
rm -f "$OWNF"
wait_for 20 ntskd_logged kdo "$OWNF is gone"
kill -USR2 "$(ntskd_pid kdo)"
wait_for 20 ntskd_logged kdo "SIGUSR2: the master keys follow"
unmoved() {
	[ "$(kernel_ids "$own"; kernel_current "$own")" = "$before" ] &&
	[ "$(ke_stat "$own" rotations)" = 1 ]
}
check "A: file deleted, SIGUSR2: logged, the kernel's keys unchanged, rotations still 1" unmoved
ntskd_stop kdo

# --- B: chrony 4.3 rotates, knts follows ---
new_netns ntp && new_netns ke
veth_pair "$ntp" "$ke"
addr_add "$ntp" kv0 10.76.0.1/24; addr_add "$ke" kv1 10.76.0.2/24
chronyd_start "$ntp" ntp "port 123" "allow" "local stratum 10"
KEDUMP=$LAB/ke-dump
KEYS=$KEDUMP/ntskeys
mkdir -p "$KEDUMP" && chmod 700 "$KEDUMP"
# started before chrony: it waits for chrony's first file
check "B: ntskd (keyfile-follow on chrony's ntskeys) at the NTP host" \
	ntskd_start "$ntp" kdf "ke-listen 10.76.0.1" "cert $LAB/pki/server.crt" \
	"key $LAB/pki/server.key" "keyfile-follow $KEYS" "policy nts-only"
chronyd_start "$ke" ke "bindaddress 10.76.0.2" "port 123" "ntsport 4460" \
	"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
	"ntsrotate $ROT" "ntsdumpdir $KEDUMP" "ntsntpserver 10.76.0.1" \
	"ntsprocesses 0" "allow"
check "B: chrony writes ntskeys; the NTP host's kernel holds its 4 keys, its current key current" \
	wait_for 30 kernel_follows "$ntp" "$KEYS"
# cli_start NAME: a chrony NTS client of the pool
cli_start() {
	mkdir -p "$LAB/$1-dump" && chmod 700 "$LAB/$1-dump"
	chronyd_start "$ke" "$1" "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
		"ntsdumpdir $LAB/$1-dump" "server 10.76.0.2 nts iburst minpoll 0 maxpoll 0"
}
authed() { chronyc_in "$1" ntpdata | grep -q 'Authenticated *: Yes'; }
verified() { knts_ctr "$ntp" srv_req_verified; }
cli_start cliA
check "B: a chrony NTS client of the pool authenticates (NTS-KE chrony, NTP knts)" \
	wait_for 120 authed cliA
r0=$(ke_stat "$ntp" rotations)
wait_for $((ROT * 4 + 30)) test "$(ke_stat "$ntp" rotations)" -ge $((r0 + 3))
v3=$(verified)
check "B: ntskd followed 3 of chrony's rotations (ke-stats rotations $r0 -> $(ke_stat "$ntp" rotations))" \
	test "$(ke_stat "$ntp" rotations)" -ge $((r0 + 3))
check "B: ... each one logged with chrony's new current key" \
	test "$(log_count kdf "followed a rotation: new keys of $KEYS")" -ge 3
more() { [ "$(verified)" -gt $((v3 + 2)) ]; }
check "B: the client's requests keep verifying after the third rotation" wait_for 30 more
nonak() { [ "$(knts_ctr "$ntp" srv_nak_sent)" = 0 ] && wait_for 10 kernel_follows "$ntp" "$KEYS"; }
check "B: no NAK across the rotations; the kernel holds chrony's current keys" nonak
# authdata: Name Mode KeyID Type KLen Last Atmp NAK Cook CLen
still() { authed cliA && chronyc_in cliA authdata | awk '$2 == "NTS" && $8 == 0' | grep -q .; }
check "B: the client is still authenticated, it never saw a NAK" still

# Cookies minted before a rotation. knts-assoc seals cookies in chrony's
# layout under the current key of a copy of chrony's file taken now, and
# installs one as a client-role association in a client namespace ("old")
# for the NTP host (10.78.0.1: knts); chrony accepts it while the key is
# in its ring, i.e. in its file.
cp "$KEYS" "$LAB/snap"
K=$(file_current "$LAB/snap")
new_netns old
veth_link "$ntp" kv2 "$old" kv3
addr_add "$ntp" kv2 10.78.0.1/24; addr_add "$old" kv3 10.78.0.2/24
PNTP="python3 $SELFTEST_DIR/plain_ntp.py"
# try_old NS ADDR: one plain request from NS to ADDR, which the client role
# sends with one cookie under K; prints the association's good and naks
try_old() {
	ip netns exec "$1" "$KNTS_ASSOC" del "$2" >/dev/null 2>&1
	ip netns exec "$1" "$KNTS_ASSOC" set "$2" keyfile "$LAB/snap" cookies 1 >/dev/null &&
	ip netns exec "$1" $PNTP ask "$2" 1 >/dev/null
	echo "$(assoc_field "$1" "$2" good) $(assoc_field "$1" "$2" naks)"
}
# K no longer current after chrony's next rotation, still in its ring
previous() {
	in_file "$K" && [ "$(file_current "$KEYS")" != "$K" ] && kernel_follows "$ntp" "$KEYS"
}
in_file() { file_ids "$KEYS" | grep -qx "$1"; }
# Both tries run right after the rotation is seen: the key stays in the
# ring two more periods.
unk0=$(knts_ctr "$ntp" srv_nak_unknown_key) ver0=$(verified)
wait_for $((ROT * 2 + 20)) previous
prev_rc=$?
res_knts=$(try_old "$old" 10.78.0.1)
ok $prev_rc "B: chrony rotated: $K, current when the cookies were minted, is a previous key, in chrony's ring and in knts"
check "B: a cookie under the previous key $K: knts verifies the request and signs the reply (good naks: $res_knts)" \
	test "$res_knts" = "1 0" -a "$(knts_ctr "$ntp" srv_nak_unknown_key)" = "$unk0" -a "$(verified)" -gt "$ver0"
# after chrony dropped K (three rotations after it was current): NAK
gone() {
	! in_file "$K" && ! kernel_ids "$ntp" | grep -qx "$K" && kernel_follows "$ntp" "$KEYS"
}
unk0=$(knts_ctr "$ntp" srv_nak_unknown_key)
wait_for $((ROT * 3 + 30)) gone
gone_rc=$?
res_knts=$(try_old "$old" 10.78.0.1)
ok $gone_rc "B: chrony dropped $K from its ring; knts dropped it too"
check "B: a cookie under the dropped key: knts answers an NTS NAK, unknown key (good naks: $res_knts)" \
	test "$res_knts" = "0 1" -a "$(knts_ctr "$ntp" srv_nak_unknown_key)" -gt "$unk0"
check "B: ntskd refused no file chrony wrote (rotation_failures 0)" \
	test "$(ke_stat "$ntp" rotation_failures)" = 0

# --- C: chrony 4.6.1 (AEAD 30 master keys) rotates, knts follows ---
C46=${CHRONY46_ROOT:-$PROJECT/.cache/trixie-peers}
C_TESTS=3
if [ ! -x "$C46/usr/sbin/chronyd" ]; then
	for i in $(seq $C_TESTS); do
		ok 1 "C$i: chrony 4.6.1 rotating AEAD 30 keys: no chrony 4.6 root in $C46 (make deps)"
	done
	ktap_finish
	exit
fi
mkdir -p "$C46/lab" && mount --bind "$LAB" "$C46/lab" &&
	mount --bind /dev "$C46/dev" && mount -t proc proc "$C46/proc"
at_exit "umount '$C46/proc' '$C46/dev' '$C46/lab'"
diag "$(chroot "$C46" chronyd -v)"
new_netns ntp2 && new_netns ke2
veth_pair "$ntp2" "$ke2"
addr_add "$ntp2" kv0 10.77.0.1/24; addr_add "$ke2" kv1 10.77.0.2/24
chronyd_start "$ntp2" ntp2 "port 123" "allow" "local stratum 10"
mkdir -p "$LAB/c46dump" && chmod 700 "$LAB/c46dump"
KEYS46=$LAB/c46dump/ntskeys
ntskd_start "$ntp2" kd46 "ke-listen 10.77.0.1" "cert $LAB/pki/server.crt" \
	"key $LAB/pki/server.key" "keyfile-follow $KEYS46" "policy nts-only"
mkdir -p "$LAB/c46ke" && chmod 700 "$LAB/c46ke"
printf '%s\n' "pidfile /lab/c46ke/chronyd.pid" "bindcmdaddress /lab/c46ke/chronyd.sock" \
	"cmdport 0" "driftfile /lab/c46ke/drift" "bindaddress 10.77.0.2" "port 123" \
	"ntsport 4460" "ntsservercert /lab/pki/server.crt" "ntsserverkey /lab/pki/server.key" \
	"ntsrotate $ROT" "ntsdumpdir /lab/c46dump" "ntsntpserver 10.77.0.1" \
	"ntsprocesses 0" "allow" > "$LAB/c46ke/chrony.conf"
ip netns exec "$ke2" capsh --drop=cap_sys_time -- -c \
	"chroot '$C46' chronyd -x -u root -f /lab/c46ke/chrony.conf -l /lab/c46ke/chronyd.log"
at_exit "kill \$(cat '$LAB/c46ke/chronyd.pid')"
nks1_30() {
	head -1 "$KEYS46" | grep -qx NKS1 &&
	[ "$(grep -cE '^[0-9A-F]{8} [0-9A-F]{32} 30$' "$KEYS46")" = 4 ] &&
	kernel_follows "$ntp2" "$KEYS46"
}
check "C1: chrony 4.6.1 writes GCM-SIV keys (NKS1, 30); knts holds them" wait_for 30 nks1_30
chronyd_start "$ke2" cli46 "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.77.0.2 nts iburst minpoll 0 maxpoll 0"
r0=$(ke_stat "$ntp2" rotations)
wait_for $((ROT * 4 + 30)) test "$(ke_stat "$ntp2" rotations)" -ge $((r0 + 3))
check "C2: ntskd followed 3 rotations of chrony 4.6.1's AEAD 30 keys" \
	test "$(ke_stat "$ntp2" rotations)" -ge $((r0 + 3))
v46=$(knts_ctr "$ntp2" srv_req_verified)
ok46() {
	authed cli46 && [ "$(knts_ctr "$ntp2" srv_req_verified)" -gt $((v46 + 2)) ] &&
	[ "$(knts_ctr "$ntp2" srv_nak_sent)" = 0 ]
}
check "C3: a chrony client of chrony 4.6.1's NTS-KE authenticates through knts after them, no NAK" \
	wait_for 60 ok46
ktap_finish
