#!/bin/bash
# Netlink abuse (issue 8, part 4): random and malformed generic netlink
# messages to the knts family get clean errors (with an extended ack where
# a knts operation refused them) and never crash the kernel; without
# CAP_NET_ADMIN over the namespace (in the user namespace owning it) every
# command, reading ones included, is refused, and the root of a user
# namespace is allowed in its own network namespace only; nothing
# readable ever holds key bytes. Each command has its own policy
# (generated from docs/netlink/knts.yaml): SERVER_SET refuses association
# attributes, nests have nested policies; and a dump of associations that
# changed between its parts is flagged NLM_F_DUMP_INTR.
# KNTS_STRESS=1: 10^5 random messages; otherwise 10^4.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$TOOLS/nl_abuse" ] || skip_all "build/tools not built (make tools)"

count=${NL_ABUSE_COUNT:-10000}
[ "$STRESS" = 1 ] && count=${NL_ABUSE_COUNT:-100000}
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)

ktap_plan 17
knts_load
new_netns fz && new_netns pm
start=$SECONDS
run_show "$count random/malformed messages: clean errors, extack, no leak" \
	ip netns exec "$fz" "$TOOLS/nl_abuse" fuzz "$count"
diag "$count messages in $((SECONDS - start)) s"

new_netns pol && new_netns dmp
run_show "per-command policies: SERVER_SET refuses association attributes, nests are checked" \
	ip netns exec "$pol" "$TOOLS/nl_abuse" policy
run_show "an association dump: consistent parts unflagged, a change between parts flagged" \
	ip netns exec "$dmp" "$TOOLS/nl_abuse" dumpintr

make_nks0 "$LAB/ntskeys"
ip netns exec "$pm" "$NTSCTL" server enable port 123 policy nts-only >/dev/null &&
	ip netns exec "$pm" "$NTSCTL" load-keys "$LAB/ntskeys" >/dev/null
ok $? "a namespace with keys loaded and the server role on"
before=$(ip netns exec "$pm" "$NTSCTL" --json show | python3 -c '
import json, sys; s = json.load(sys.stdin)["server"]
print(s["enabled"], s["policy"], " ".join(k["id"] + str(k["current"]) for k in s["keys"]))')

run_show "uid nobody, no capabilities: every command refused (EPERM)" \
	ip netns exec "$pm" "${NOBODY[@]}" "$TOOLS/nl_abuse" perm
run_show "root without CAP_NET_ADMIN: every command refused" \
	ip netns exec "$pm" capsh --drop=cap_net_admin -- -c "'$TOOLS/nl_abuse' perm"
# A key file nobody can read, so that only the kernel can refuse it.
make_nks0 "$LAB/other-keys" && chmod 644 "$LAB/other-keys" && chmod 755 "$LAB"
out=$(ip netns exec "$pm" "${NOBODY[@]}" "$NTSCTL" load-keys "$LAB/other-keys" 2>&1); rc=$?
[ "$rc" -eq 4 ]
ok $? "ntsctl load-keys as nobody is refused by the kernel (exit $rc: $(head -c 80 <<<"$out"))"
after=$(ip netns exec "$pm" "$NTSCTL" --json show | python3 -c '
import json, sys; s = json.load(sys.stdin)["server"]
print(s["enabled"], s["policy"], " ".join(k["id"] + str(k["current"]) for k in s["keys"]))')
[ -n "$before" ] && [ "$before" = "$after" ]
ok $? "the refused attempts changed nothing ($after)"

run_show "every readable reply scanned: no key bytes" \
	ip netns exec "$pm" "$TOOLS/nl_abuse" leak "$LAB/ntskeys"
keys_hex=$(awk 'NR > 2 { print $2 }' "$LAB/ntskeys")
leaked=0
for out in "$(ip netns exec "$pm" "$NTSCTL" show)" "$(ip netns exec "$pm" "$NTSCTL" --json show)" \
	"$(ip netns exec "$pm" "$NTSCTL" --json stats)"; do
	for k in $keys_hex; do
		grep -qi "${k:0:16}\|${k:16:16}\|${k:32:16}\|${k:48:16}" <<<"$out" && leaked=1
	done
done
[ "$leaked" -eq 0 ]
ok $? "ntsctl show/stats print no key bytes (hex)"

# The model (GENL_UNS_ADMIN_PERM): CAP_NET_ADMIN over the network
# namespace, in the user namespace that owns it. The root of a user
# namespace of one's own is refused in every namespace it does not own,
# and allowed in the one it created, nowhere else. Debian's kernels gate
# unprivileged user namespaces behind a sysctl of their own; the VM runs
# the test from the root of its mount namespace, not a chroot, where the
# kernel would refuse CLONE_NEWUSER (tests/vm/init).
userns_sysctl=/proc/sys/kernel/unprivileged_userns_clone
if [ -w "$userns_sysctl" ]; then
	at_exit "echo $(cat "$userns_sysctl") > $userns_sysctl"
	echo 1 > "$userns_sysctl"
fi
run_show "root of a user namespace, in the host's namespace \$pm: every command refused (EPERM)" \
	ip netns exec "$pm" unshare -Ur "$TOOLS/nl_abuse" perm
run_show "nobody's own user namespace, in \$pm: every command refused (EPERM)" \
	ip netns exec "$pm" "${NOBODY[@]}" unshare -Ur "$TOOLS/nl_abuse" perm
run_show "root of a user namespace, its own network namespace: every command allowed" \
	unshare -Urn "$TOOLS/nl_abuse" own
run_show "nobody's own user+net namespace: every command allowed there" \
	"${NOBODY[@]}" unshare -Urn "$TOOLS/nl_abuse" own
out=$("${NOBODY[@]}" unshare -Urn sh -c \
	"'$NTSCTL' server enable port 1123 && '$NTSCTL' stats >/dev/null && '$NTSCTL' show" 2>&1)
rc=$?
after=$(ip netns exec "$pm" "$NTSCTL" --json show | python3 -c '
import json, sys; s = json.load(sys.stdin)["server"]
print(s["enabled"], s["policy"], " ".join(k["id"] + str(k["current"]) for k in s["keys"]))')
[ "$rc" -eq 0 ] && grep -q 'port: 1123' <<<"$out" && [ "$before" = "$after" ] &&
	"$NTSCTL" show | grep -q 'server role: disabled'
ok $? "ntsctl in nobody's own user+net namespace: usable there, nowhere else (rc $rc)"
check "the module still unloads" knts_unload
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
ktap_finish
