#!/bin/bash
# AES-128-GCM-SIV (AEAD 30) through knts, and keys from `ntsctl keygen`:
#
#   A  srv -- cli     plain chronyd behind the knts server role, whose
#                     master keys are GCM-SIV keys (NKS1, algorithm 30, as
#                     chrony >= 4.4 makes them) from `ntsctl keygen --aead
#                     30`; a plain chronyd behind the knts client role with
#                     an AEAD 30 session (64-byte cookies) to one address
#                     and an AEAD 15 session (96-byte cookies under the same
#                     GCM-SIV master key) to the other.
#   B  ke -- ntp      "knts generates, chrony loads": `ntsctl keygen` writes
#                     the keys; chrony 4.3 (ntsrotate 0, ntsdumpdir) serves
#                     NTS-KE with them and points its clients at the NTP
#                     host, whose knts server role loaded the same file in
#                     front of a plain chronyd. A chrony NTS client gets
#                     authenticated time.
# The cookies are made by tests/tools/knts-assoc (no NTS-KE) in A and by
# chrony in B; knts opens both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
command -v chronyd >/dev/null || skip_all "chrony not installed"

ktap_plan 14
knts_load
echo 3600 > /sys/module/knts/parameters/client_idle_secs
make_pki knts-test 10.74.0.2
field() { assoc_field "$cli" "$1" "$2"; }

# --- A ---
check "keygen --aead 30 writes an NKS1 file of GCM-SIV keys, mode 0600" sh -c \
	"'$NTSCTL' keygen '$LAB/k30' --aead 30 >/dev/null &&
	 [ \"\$(stat -c %a '$LAB/k30')\" = 600 ] && head -1 '$LAB/k30' | grep -qx NKS1 &&
	 [ \"\$(grep -cE '^[0-9A-F]{8} [0-9A-F]{32} 30\$' '$LAB/k30')\" = 4 ]"
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.75.0.1/24; addr_add "$srv" kv0 10.75.0.3/24
addr_add "$cli" kv1 10.75.0.2/24
chronyd_start "$srv" plain "port 123" "allow" "local stratum 10"
check "load-keys takes the GCM-SIV keys (server role, nts-only)" sh -c \
	"ip netns exec '$srv' '$NTSCTL' server enable port 123 policy nts-only >/dev/null &&
	 ip netns exec '$srv' '$NTSCTL' load-keys '$LAB/k30' >/dev/null"
check "an AEAD 30 association: 64-byte cookies under the GCM-SIV master key" sh -c \
	"ip netns exec '$cli' '$KNTS_ASSOC' set 10.75.0.1 keyfile '$LAB/k30' aead 30 >/dev/null &&
	 ip netns exec '$cli' '$NTSCTL' show | grep -A1 '^  10.75.0.1 port 123' |
	 grep -q 'aead 30, cookies 8/8 (64 bytes)'"
check "an AEAD 15 association: 96-byte cookies under the GCM-SIV master key" sh -c \
	"ip netns exec '$cli' '$KNTS_ASSOC' set 10.75.0.3 keyfile '$LAB/k30' aead 15 >/dev/null &&
	 ip netns exec '$cli' '$NTSCTL' show | grep -A1 '^  10.75.0.3 port 123' |
	 grep -q 'aead 15, cookies 8/8 (96 bytes)'"
chronyd_start "$cli" client "port 0" \
	"server 10.75.0.1 iburst minpoll 0 maxpoll 0" \
	"server 10.75.0.3 iburst minpoll 0 maxpoll 0"

# --- B ---
new_netns ntp && new_netns ke
veth_pair "$ntp" "$ke"
addr_add "$ntp" kv0 10.74.0.1/24; addr_add "$ke" kv1 10.74.0.2/24
check "keygen (AEAD 15, NKS0) for a chrony 4.3 NTS-KE server" \
	"$NTSCTL" keygen "$LAB/k15"
chronyd_start "$ntp" ntp "port 123" "allow" "local stratum 10"
check "the NTP host's knts loads the same file" sh -c \
	"ip netns exec '$ntp' '$NTSCTL' server enable port 123 policy nts-only >/dev/null &&
	 ip netns exec '$ntp' '$NTSCTL' load-keys '$LAB/k15' >/dev/null"
mkdir -p "$LAB/ke-dump" && chmod 700 "$LAB/ke-dump" && cp "$LAB/k15" "$LAB/ke-dump/ntskeys"
chronyd_start "$ke" ke "bindaddress 10.74.0.2" "port 123" "ntsport 4460" \
	"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
	"ntsrotate 0" "ntsdumpdir $LAB/ke-dump" "ntsntpserver 10.74.0.1" \
	"ntsprocesses 0" "allow"
chronyd_start "$ke" nts-client "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.74.0.2 nts iburst minpoll 0 maxpoll 0"

# --- A: results ---
good_over() { [ "$(field "$1" good)" -gt "$2" ]; }
check "AEAD 30: replies verify under the S2C key (12-byte nonces, C || tag)" \
	wait_for 60 good_over 10.75.0.1 3
check "AEAD 15 with GCM-SIV master keys: replies verify" wait_for 30 good_over 10.75.0.3 3
selected() { chronyc_in client sources | grep -qE '^\^\* '; }
check "the plain chronyd client selects a source protected with AEAD 30 or 15" \
	wait_for 30 selected
check "the server role verified the requests and signed every reply, no NAK" sh -c \
	"[ \"\$(knts_ctr '$srv' srv_req_verified)\" -gt 6 ] &&
	 [ \"\$(knts_ctr '$srv' srv_reply_signed)\" -gt 6 ] &&
	 [ \"\$(knts_ctr '$srv' srv_nak_sent)\" -eq 0 ]"
check "the jar stays full: every reply brought a fresh 64-byte cookie" sh -c \
	"[ \"\$(assoc_field '$cli' 10.75.0.1 cookies)\" -ge 7 ]"
check "no reply failed to verify" sh -c \
	"[ \"\$(knts_ctr '$cli' cli_reply_bad_mac)\" -eq 0 ] &&
	 [ \"\$(knts_ctr '$cli' cli_reply_malformed)\" -eq 0 ]"

# --- B: results ---
# 8 cookies held: NTS-KE worked and the NTP replies carried new cookies.
full_jar() { chronyc_in nts-client authdata | awk '$2 == "NTS" && $9 == 8' | grep -q .; }
check "B: chrony's NTS-KE hands out cookies sealed with the keygen keys" wait_for 60 full_jar
check "B: knts at the NTP host opens them and verifies chrony's requests" \
	wait_for 60 sh -c "[ \"\$(knts_ctr '$ntp' srv_req_verified)\" -gt 3 ] &&
	 [ \"\$(knts_ctr '$ntp' srv_nak_sent)\" -eq 0 ]"
ktap_finish
