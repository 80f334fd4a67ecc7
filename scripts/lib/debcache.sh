# Debian packages for other kernels and architectures, downloaded into a
# project cache with a private apt state: dpkg's architecture list, the
# system's apt lists and /var/cache/apt are never touched, and nothing is
# installed. Source this file; it defines debcache_* functions.
#
# Suites: bookworm-security (amd64, arm64: 6.1 and linux-6.12), bookworm
# (armhf, armel, arm64: 6.1 for 32-bit ARM, busybox-static:arm64) and
# bullseye-security (amd64: 5.10). bookworm-security's armhf index is left
# out on purpose: the mirror serves a stale Packages.xz for it (size
# mismatch), and one bad index makes apt drop the whole suite; armel is no
# longer in bookworm-security at all.
#
# DEBCACHE_DIR (default PROJECT/.cache/debian) holds the apt state and the
# .debs; DEBCACHE_SUITES replaces the suites above with others of the main
# mirror, amd64 only (give them a DEBCACHE_DIR of their own); DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR override the mirrors
# (default: the first deb.debian.org-style URI of the system's sources).

DEBCACHE_DIR=${DEBCACHE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache/debian}
DEBCACHE_MAX_AGE=${DEBCACHE_MAX_AGE:-86400}	# seconds before the lists are refreshed
_debcache_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# The system's configured Debian mirror (one-line or deb822 sources).
_debcache_mirror() {
	local want=$1 uri
	uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -oE 'https?://[^ ]+/debian'"$want"'/?( |$)' | head -n 1 | tr -d ' ')
	echo "${uri%/}"
}

_debcache_apt_opts() {
	local d=$DEBCACHE_DIR/apt
	DEBCACHE_APT=(-o "Dir::Etc::sourcelist=$d/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::lists=$d/lists" -o "Dir::Cache::archives=$d/archives"
		-o "Dir::Cache::pkgcache=$d/pkgcache.bin" -o "Dir::Cache::srcpkgcache=$d/srcpkgcache.bin"
		-o "Dir::State::status=$d/status" -o Debug::NoLocking=1
		-o APT::Sandbox::User=root -o Acquire::Languages=none
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64
		-o APT::Architectures::=armhf -o APT::Architectures::=armel)
}

# debcache_update [--force]: write the private sources and refresh the
# package lists when they are missing or older than DEBCACHE_MAX_AGE.
debcache_update() {
	local d=$DEBCACHE_DIR/apt main sec stamp age
	main=${DEBIAN_MIRROR:-$(_debcache_mirror '')}
	sec=${DEBIAN_SECURITY_MIRROR:-$(_debcache_mirror '-security')}
	main=${main:-http://deb.debian.org/debian}
	sec=${sec:-http://deb.debian.org/debian-security}
	mkdir -p "$d/lists/partial" "$d/archives/partial" "$DEBCACHE_DIR/debs"
	: > "$d/status"
	if [ -n "${DEBCACHE_SUITES:-}" ]; then
		# another set of suites, in a DEBCACHE_DIR of its own (deps: trixie)
		local suite
		: > "$d/sources.list.new"
		for suite in $DEBCACHE_SUITES; do
			echo "deb [signed-by=$_debcache_keyring arch=amd64] $main $suite main" >> "$d/sources.list.new"
		done
	else
		cat > "$d/sources.list.new" <<-EOF
		deb [signed-by=$_debcache_keyring arch=amd64,arm64] $sec bookworm-security main
		deb [signed-by=$_debcache_keyring arch=arm64,armhf,armel] $main bookworm main
		deb [signed-by=$_debcache_keyring arch=amd64] $sec bullseye-security main
		EOF
	fi
	if cmp -s "$d/sources.list.new" "$d/sources.list"; then
		rm -f "$d/sources.list.new"
	else
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/updated"
	fi
	_debcache_apt_opts
	stamp=$d/updated
	if [ "${1:-}" != --force ] && [ -e "$stamp" ]; then
		age=$(( $(date +%s) - $(stat -c %Y "$stamp") ))
		[ "$age" -lt "$DEBCACHE_MAX_AGE" ] && return 0
	fi
	if apt-get "${DEBCACHE_APT[@]}" -qq update >"$d/update.log" 2>&1; then
		touch "$stamp"
		return 0
	fi
	# Offline or a mirror hiccup: old lists are still good for cached .debs.
	if ls "$d"/lists/*_Packages* >/dev/null 2>&1; then
		echo "debcache: apt-get update failed, using the old lists:" >&2
		grep -E '^(E|W):' "$d/update.log" | head -n 3 >&2
		return 0
	fi
	echo "debcache: apt-get update failed:" >&2
	cat "$d/update.log" >&2
	return 1
}

# debcache_newest ARCH ERE: the newest package name matching ^ERE$ that
# has a candidate for ARCH (sort -V on the names).
debcache_newest() {
	local arch=$1 re=$2 p
	while read -r p; do
		if apt-cache "${DEBCACHE_APT[@]}" show --no-all-versions "$p:$arch" >/dev/null 2>&1; then
			echo "$p"
			return 0
		fi
	done < <(apt-cache "${DEBCACHE_APT[@]}" pkgnames | grep -E "^($re)\$" | sort -rV)
	return 1
}

# debcache_field PKG:ARCH FIELD: one field of the candidate's record.
debcache_field() {
	apt-cache "${DEBCACHE_APT[@]}" show --no-all-versions "$1" 2>/dev/null |
		sed -n "s/^$2: //p" | head -n 1
}

# debcache_depends PKG:ARCH ERE: names in PKG's Depends matching ^ERE$.
debcache_depends() {
	debcache_field "$1" Depends | tr ',|' '\n\n' | sed -E 's/^ *//; s/[ (:].*//' |
		grep -E "^($2)\$"
}

# debcache_get PKG:ARCH...: download (once) and print the .deb paths,
# named as in the pool.
debcache_get() {
	local spec file tmp
	for spec in "$@"; do
		file=$(debcache_field "$spec" Filename)
		[ -n "$file" ] || { echo "debcache: no package $spec" >&2; return 1; }
		file=$DEBCACHE_DIR/debs/$(basename "$file")
		if [ ! -s "$file" ]; then
			tmp=$(mktemp -d "$DEBCACHE_DIR/debs/.dl.XXXXXX")
			(cd "$tmp" && apt-get "${DEBCACHE_APT[@]}" -qq download "$spec" >/dev/null 2>&1) || {
				# The pool may have moved on since the lists were fetched.
				debcache_update --force &&
					(cd "$tmp" && apt-get "${DEBCACHE_APT[@]}" -qq download "$spec" >/dev/null)
			} || { rm -rf "$tmp"; echo "debcache: cannot download $spec" >&2; return 1; }
			mv "$tmp"/*.deb "$file" && rm -rf "$tmp" || return 1
		fi
		echo "$file"
	done
}

# debcache_extract ROOT PKG:ARCH...: unpack the packages into ROOT (once:
# ROOT/.debcache lists what it holds).
debcache_extract() {
	local root=$1 deb debs
	shift
	debs=$(debcache_get "$@") || return 1
	mkdir -p "$root"
	touch "$root/.debcache"
	for deb in $debs; do
		grep -qxF "$(basename "$deb")" "$root/.debcache" && continue
		dpkg-deb -x "$deb" "$root" || return 1
		basename "$deb" >> "$root/.debcache"
	done
}
