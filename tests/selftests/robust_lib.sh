#!/bin/bash
# Helpers shared by the robustness selftests (10-13, issue 8). Source
# after lib.sh and nts_lab.sh.
TOOLS=$PROJECT/build/tools
# KNTS_STRESS=1 (make stress) selects the long versions.
STRESS=${KNTS_STRESS:-0}

# run_show DESC CMD...: like check, but the output is always shown as
# diagnostics (the figures are part of the result).
run_show() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed -e 's/^# //' -e 's/^/# /'
	[ "$rc" -eq 0 ] || echo "# (exit $rc: $*)"
	ok "$rc" "$desc"
}

# Two namespaces joined by a veth, 10.77.0.1/fd77::1 the server.
robust_lab() {
	new_netns srv && new_netns cli || return 1
	veth_pair "$srv" "$cli"
	addr_add "$srv" kv0 10.77.0.1/24 && addr_add "$srv" kv0 fd77::1/64 &&
	addr_add "$cli" kv1 10.77.0.2/24 && addr_add "$cli" kv1 fd77::2/64 || return 1
	# Bursts must not overflow the backlog before knts sees them.
	sysctl -qw net.core.netdev_max_backlog=100000
	sysctl -qw net.core.rmem_max=67108864 net.core.wmem_max=67108864
}

# slab_kb: kilobytes of slab in use (unreclaimable), from /proc/meminfo.
slab_kb() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }

# kmalloc_objs: active objects over all kmalloc-* caches.
kmalloc_objs() { awk '/^kmalloc-/ { n += $2 } END { print n + 0 }' /proc/slabinfo; }

# knts_stat_json NS: the counters of NS as JSON.
knts_stats_json() { ip netns exec "$1" "$NTSCTL" --json stats; }

# knts_live tables|keysets: knts objects alive now (debugfs, objcount.c).
knts_live() { cat "/sys/kernel/debug/knts/live_$1"; }
# live_is NAME N: poll (RCU callbacks, namespace cleanup run later). The
# count is read anew on every try (wait_for re-runs its command, not
# what the shell expanded when it was called).
live_now() { [ "$(knts_live "$1")" -eq "$2" ]; }
live_is() { wait_for 20 live_now "$1" "$2"; }

# slab_snap FILE: /proc/slabinfo now. slab_growth OLD: the five caches
# that grew most since OLD, in kB ("name +kB ..."), to tell knts's
# memory from the kernel's own (inet_peer, dst, neighbour caches).
slab_snap() { cat /proc/slabinfo > "$1"; }
slab_growth() {
	awk 'NR == FNR { if (FNR > 2) was[$1] = $2 * $4; next }
	     FNR > 2 { d = ($2 * $4 - was[$1]) / 1024; if (d > 0) printf "%s +%d\n", $1, d }' \
		"$1" /proc/slabinfo | sort -t+ -k2 -rn | head -n 5 | tr '\n' ' '
}
