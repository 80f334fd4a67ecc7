# SPDX-License-Identifier: GPL-2.0
# Fake Debian / Raspberry Pi OS systems for scripts/rpi-setup (sourced).
# Each function writes into $R, a directory under $TMP, laid out as the
# real system would be: os-release, device-tree model, dpkg status and
# file lists, /lib/modules, Debian-style header trees, /usr/bin tools.
newroot() {
	R=$TMP/$1
	mkdir -p "$R"/etc "$R"/proc/device-tree "$R"/var/lib/dpkg/info "$R"/usr/bin "$R"/lib/modules
	: >"$R"/var/lib/dpkg/status
}
os() { # ID CODENAME PRETTY_NAME
	printf 'PRETTY_NAME="%s"\nID=%s\nVERSION_CODENAME=%s\n' "$3" "$1" "$2" >"$R"/etc/os-release
}
rpios() { touch "$R"/etc/rpi-issue; }
model() { printf '%s\0' "$1" >"$R"/proc/device-tree/model; }
pkg() { # NAME VERSION [ARCH]
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: %s\nVersion: %s\n\n' \
		"$1" "${3:-arm64}" "$2" >>"$R"/var/lib/dpkg/status
}
kernel() { # KVER [OWNING_PACKAGE]
	mkdir -p "$R/lib/modules/$1/kernel"
	touch "$R/lib/modules/$1/modules.dep"
	[ -z "${2:-}" ] || echo "/lib/modules/$1" >>"$R/var/lib/dpkg/info/$2.list"
}
headers() { # KVER [UTS_RELEASE] [CONFIG_LINES]: as Debian lays them out
	local h=$R/usr/src/linux-headers-$1
	mkdir -p "$h/include/generated"
	echo "# kbuild" >"$h/Makefile"
	echo "#define UTS_RELEASE \"${2:-$1}\"" >"$h/include/generated/utsrelease.h"
	printf '%s\n' ${3:-CONFIG_NETFILTER=y CONFIG_CRYPTO_CMAC=m CONFIG_CRYPTO_CTR=y} >"$h/.config"
	ln -s "/usr/src/linux-headers-$1" "$R/lib/modules/$1/build"
}
bin() { for b; do printf '#!/bin/sh\n' >"$R/usr/bin/$b"; chmod +x "$R/usr/bin/$b"; done; }
tools() { bin gcc make; pkg pkg-config 1.8.1-1; pkg libnl-genl-3-dev 3.7.0-0.2; pkg libssl-dev 3.0.15-1; }

bookworm64() { os debian bookworm "Debian GNU/Linux 12 (bookworm)"; rpios; }
