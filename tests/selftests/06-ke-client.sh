#!/bin/bash
# The NTS-KE client library (userspace/lib/ke_client.*) and the ntsload
# load generator against real servers on 127.0.0.1 in a private namespace:
# chronyd 4.3 and NTPsec 1.2.2 as NTS-KE + NTS servers. The keys the
# client exports are proven right by use: requests signed with C2S are
# answered by the server, and every reply verifies under S2C. Then the
# refusals: wrong CA, a TLS 1.2-only server, a server without ALPN, an
# AEAD the server does not have, and NAKs for cookies under unknown keys.
# No kernel module is needed (it runs on the host too, as root).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

LOAD=$PROJECT/build/ntsload
[ -x "$LOAD" ] || skip_all "build/ntsload not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"

ktap_plan 15
new_netns ns
make_pki knts-test 127.0.0.1
# another CA that signed nothing here
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$LAB/other.key" -out "$LAB/other.crt" -days 30 \
	-subj "/CN=some other CA" >/dev/null 2>&1

# chrony_nts NAME NTP-PORT KE-PORT: an NTS server with its own master keys
chrony_nts() {
	mkdir -p "$LAB/$1-dump" && chmod 700 "$LAB/$1-dump"
	chronyd_start "$ns" "$1" "bindaddress 127.0.0.1" "port $2" "ntsport $3" \
		"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
		"ntsdumpdir $LAB/$1-dump" "ntsprocesses 0" "allow 127.0.0.1" \
		"local stratum 10"
}
listening() { ip netns exec "$ns" ss -Hltn "sport = :$1" | grep -q .; }
udp_open() { ip netns exec "$ns" ss -Hlun "sport = :$1" | grep -q .; }

# load ARGS...: run ntsload in the namespace; $out, $err and $rc are set
load() {
	# a long drain: under TCG replies can take a few hundred ms; it ends
	# as soon as every request has its answer
	out=$(ip netns exec "$ns" "$LOAD" --drain 3000 "$@" 2>"$LAB/err"); rc=$?
	err=$(cat "$LAB/err")
	[ -n "$err" ] && diag "$err"
	return 0
}
# js EXPR: evaluate a Python expression over the JSON in $out (as d)
js() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if ($1) else 1)" "$out"; }
summary() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('sent %d valid %d (unsync %d) naks %d invalid %d lost %d p50 %.0f us p99 %.0f us' % (d['sent'], d['valid'], d['unsync'], d['naks'], d['invalid'], d['lost'], d['latency_us']['p50'], d['latency_us']['p99']))" "$out"; }

CA=$LAB/pki/ca.crt
chrony_nts srv 11123 14460
wait_for 30 listening 14460 && wait_for 10 udp_open 11123

# --- chronyd 4.3 -----------------------------------------------------------
load --ke 127.0.0.1:14460 --ca "$CA" --ke-only --json
[ "$rc" -eq 0 ] && js 'd["aead"] == 15 and d["key_len"] == 32 and d["cookies"] == 8 and d["cookie_len"] == 100 and d["ntp_port"] == 11123 and d["port_negotiated"] and d["ntp_server"] == "127.0.0.1" and not d["server_negotiated"] and d["tls_cipher"].startswith("TLS_") and d["warnings"] == ""'
ok $? "chronyd NTS-KE: AEAD 15, 8 cookies of 100 bytes, NTP port 11123 from the Port record"

load --ke 127.0.0.1:14460 --ca "$CA" --rate 200 --duration 2 --sources 4 --pool 512 --json
diag "chronyd NTS load: $(summary)"
[ "$rc" -eq 0 ] && js 'd["sent"] >= 300 and d["valid"] >= 0.99 * d["sent"] and d["invalid"] == 0 and d["naks"] == 0 and d["unsync"] == 0'
ok $? "NTS requests signed with C2S are answered and every reply verifies under S2C"
js 'd["target"] == "127.0.0.1:11123" and d["request_len"] == 228 and d["latency_us"]["p50"] > 0'
ok $? "... sent to the negotiated 127.0.0.1:11123, 228-byte requests, latency measured"

load --ke 127.0.0.1:14460 --ca "$CA" --placeholders 3 --rate 100 --duration 1 --pool 64 --json
[ "$rc" -eq 0 ] && js 'd["request_len"] == 540 and d["valid"] >= 0.99 * d["sent"] and d["invalid"] == 0'
ok $? "requests with 3 placeholders: replies with 4 cookies verify"

load --plain --target 127.0.0.1:11123 --rate 200 --duration 1 --json
[ "$rc" -eq 0 ] && js 'd["mode"] == "plain" and d["valid"] >= 0.99 * d["sent"] and d["invalid"] == 0'
ok $? "plain NTP load against the same chronyd"

load --ke 127.0.0.1:14460 --ca "$CA" --ke-only --aead 17
[ "$rc" -eq 2 ] && grep -q 'aead-empty' <<<"$err"
ok $? "offering AEAD 17 only: chrony 4.3 answers AEAD{} and the client refuses"

load --ke 127.0.0.1:14460 --ca "$LAB/other.crt" --ke-only
[ "$rc" -eq 2 ] && grep -q '(verify).*certificate verify failed' <<<"$err"
ok $? "a CA that did not sign the server's certificate: verification fails"

load --ke localhost:14460 --ca "$CA" --ke-only
[ "$rc" -eq 2 ] && grep -q '(verify).*hostname mismatch' <<<"$err"
ok $? "the right CA but the wrong name (certificate has IP:127.0.0.1 only)"

load --ke 127.0.0.1:14460 --ca "$LAB/other.crt" --noverify --ke-only --json
[ "$rc" -eq 0 ] && js '"noverify" in d["warnings"]' && grep -q 'WARNING.*NOT checked' <<<"$err"
ok $? "--noverify: the exchange works, with a warning in the result and on stderr"

# NAKs: cookies from srv, requests sent to a second chronyd with other keys
chrony_nts other 11124 14461
wait_for 30 listening 14461 && wait_for 10 udp_open 11124
load --ke 127.0.0.1:14460 --ca "$CA" --target 127.0.0.1:11124 --rate 100 --duration 1 --pool 128 --json
diag "NAK run: $(summary)"
[ "$rc" -eq 3 ] && js 'd["sent"] > 50 and d["naks"] >= 0.99 * d["sent"] and d["valid"] == 0 and d["invalid"] == 0'
ok $? "a server that does not know the cookie key sends NTS NAKs, and they are counted as NAKs"

# --- servers that must be refused ------------------------------------------
s_server() { # PORT ARGS...: one connection, then exit
	local port=$1
	shift
	ip netns exec "$ns" openssl s_server -accept "127.0.0.1:$port" -naccept 1 -quiet \
		-cert "$LAB/pki/server.crt" -key "$LAB/pki/server.key" "$@" \
		</dev/null >/dev/null 2>&1 &
	at_exit "kill $! 2>/dev/null"
	wait_for 10 listening "$port"
}
s_server 15460 -tls1_2
load --ke 127.0.0.1:15460 --ca "$CA" --ke-only --timeout 3000
[ "$rc" -eq 2 ] && grep -q '(tls)' <<<"$err"
ok $? "a TLS 1.2-only server (openssl s_server -tls1_2) is refused"

s_server 15461 -tls1_3
load --ke 127.0.0.1:15461 --ca "$CA" --ke-only --timeout 3000
[ "$rc" -eq 2 ] && grep -q '(alpn)' <<<"$err"
ok $? "a TLS 1.3 server that does not select ALPN ntske/1 is refused"

# --- NTPsec 1.2.2 (NTS-KE on TCP 4460, NTP on UDP 123, fixed) -----------------
NTPD=$NTPSEC_ROOT/usr/sbin/ntpd
if [ -x "$NTPD" ]; then
	mkdir -p "$LAB/ntpsec" && chmod 700 "$LAB/ntpsec"
	cat "$LAB/pki/server.crt" "$LAB/pki/ca.crt" > "$LAB/ntpsec/chain.crt"
	printf '%s\n' "nts enable" "nts cert $LAB/ntpsec/chain.crt" \
		"nts key $LAB/pki/server.key" "nts cookie $LAB/ntpsec/nts-keys" \
		"restrict default nomodify noquery" "restrict 127.0.0.1" \
		"disable ntp" "logfile $LAB/ntpsec/ntpd.log" > "$LAB/ntpsec/ntp.conf"
	ip netns exec "$ns" env LD_LIBRARY_PATH="$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp" \
		capsh --drop=cap_sys_time -- -c \
		"exec '$NTPD' -n -c '$LAB/ntpsec/ntp.conf' -p '$LAB/ntpsec/pid'" \
		>/dev/null 2>&1 &
	at_exit "kill $! 2>/dev/null"
	wait_for 30 listening 4460 && wait_for 10 udp_open 123

	load --ke 127.0.0.1 --ca "$CA" --ke-only --json
	[ "$rc" -eq 0 ] && js 'd["aead"] == 15 and d["cookies"] == 8 and d["cookie_len"] == 104 and d["ntp_port"] == 123 and not d["port_negotiated"]'
	ok $? "NTPsec NTS-KE: AEAD 15, 8 cookies of 104 bytes, NTP port 123 by default"

	load --ke 127.0.0.1 --ca "$CA" --rate 100 --duration 2 --pool 256 --json
	diag "NTPsec NTS load: $(summary)"
	# unsynchronised (it has no upstream): LI 3, stratum 0, INIT; still
	# authentic. NTPsec under TCG on a loaded host loses a few percent at
	# this rate (4 % seen at 200/s, load 10): what must hold is that every
	# reply that comes verifies and almost all come.
	[ "$rc" -eq 0 ] && js 'd["sent"] >= 150 and d["valid"] >= 0.95 * d["sent"] and d["invalid"] == 0'
	ok $? "NTPsec answers our NTS requests and every reply verifies under S2C"

	load --ke 127.0.0.1 --ca "$CA" --aead 17 --rate 100 --duration 1 --pool 128 --json
	[ "$rc" -eq 0 ] && js 'd["aead"] == 17 and d["key_len"] == 64 and d["cookie_len"] == 168 and d["valid"] >= 0.99 * d["sent"] and d["invalid"] == 0'
	ok $? "NTPsec with AEAD 17 (AES-SIV-CMAC-512): 168-byte cookies, 64-byte keys, replies verify"
else
	skip "NTPsec NTS-KE" "no NTPsec in $NTPSEC_ROOT"
	skip "NTPsec NTS load" "no NTPsec in $NTPSEC_ROOT"
	skip "NTPsec AEAD 17" "no NTPsec in $NTPSEC_ROOT"
fi
ktap_finish
