#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/rpi-setup against fake systems: one fake root per situation a Pi
# owner meets (docs/raspberry-pi.md), asserting the exit status and the
# exact advice printed.
. "$(dirname "$0")/lib.sh"

SETUP=$REPO/scripts/rpi-setup
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$REPO/tests/scripts/fakeroot.sh"

run() { # UNAME_R UNAME_M DPKG_ARCH [ARGS...]: sets OUT and RC
	OUT=$(KNTS_ROOT=$R KNTS_UNAME_R=$1 KNTS_UNAME_M=$2 KNTS_DPKG_ARCH=$3 \
		"$SETUP" "${@:4}" 2>&1)
	RC=$?
}
# expect DESC STATUS [+STRING | -STRING]...: +present, -absent in the output
expect() {
	local d=$1 want=$2 s bad=0
	shift 2
	[ "$RC" -eq "$want" ] || { diag "exit $RC, wanted $want"; bad=1; }
	for s; do
		case $s in
		+*) grep -qF -- "${s#+}" <<<"$OUT" || { diag "missing: ${s#+}"; bad=1; } ;;
		-*) grep -qF -- "${s#-}" <<<"$OUT" && { diag "unexpected: ${s#-}"; bad=1; } ;;
		esac
	done
	[ $bad -eq 0 ] || diag "$OUT"
	ok $bad "$d"
}


# 1. The good case: bookworm 64-bit on a Pi 4, headers match.
newroot ready; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"; tools
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8
headers 6.12.25+rpt-rpi-v8
pkg linux-image-rpi-v8 1:6.12.25-1+rpt1; pkg linux-headers-rpi-v8 1:6.12.25-1+rpt1
run 6.12.25+rpt-rpi-v8 aarch64 arm64
expect "bookworm Pi 4, headers match: ready, plain make" 0 \
	"+Raspberry Pi 4 Model B Rev 1.4" "+Raspberry Pi OS, Debian GNU/Linux 12 (bookworm)" \
	"+flavour rpi-v8, Debian-style Raspberry Pi packages" \
	"+headers    ok: /lib/modules/6.12.25+rpt-rpi-v8/build" \
	"+CONFIG_NETFILTER=y CONFIG_CRYPTO_CMAC=m CONFIG_CRYPTO_CTR=y" \
	"+Ready. Build and install:" "+  make" "-ARCH=arm64" "-note"

# 2. Pi 5, +rpt naming, no headers at all.
newroot pi5; bookworm64; model "Raspberry Pi 5 Model B Rev 1.0"; tools
kernel 6.6.51+rpt-rpi-2712 linux-image-6.6.51+rpt-rpi-2712
run 6.6.51+rpt-rpi-2712 aarch64 arm64
expect "Pi 5 rpi-2712 without headers: exact + metapackage" 1 \
	"+flavour rpi-2712" "+headers    missing: /lib/modules/6.6.51+rpt-rpi-2712/build" \
	"+sudo apt update && sudo apt install linux-headers-6.6.51+rpt-rpi-2712 linux-headers-rpi-2712" \
	"+If apt cannot find linux-headers-6.6.51+rpt-rpi-2712" "+16 KiB pages" \
	'+run scripts/rpi-setup again: it must say "Ready"' "-raspberrypi-kernel-headers"

# 2b. --apply installs exactly those, as root only.
printf '#!/bin/sh\necho "$*" >>"%s"\n' "$TMP/apt.log" >"$TMP/fakeapt"
chmod +x "$TMP/fakeapt"
OUT=$(KNTS_ROOT=$R KNTS_UNAME_R=6.6.51+rpt-rpi-2712 KNTS_UNAME_M=aarch64 KNTS_DPKG_ARCH=arm64 \
	KNTS_APT=$TMP/fakeapt KNTS_UID=0 "$SETUP" --apply 2>&1)
RC=$?
grep -qx "install -y linux-headers-6.6.51+rpt-rpi-2712 linux-headers-rpi-2712" "$TMP/apt.log" 2>/dev/null &&
	grep -qx "update" "$TMP/apt.log"
ok $? "--apply runs apt-get update and installs the advised packages"
rm -f "$TMP/apt.log"
OUT=$(KNTS_ROOT=$R KNTS_UNAME_R=6.6.51+rpt-rpi-2712 KNTS_UNAME_M=aarch64 KNTS_DPKG_ARCH=arm64 \
	KNTS_APT=$TMP/fakeapt KNTS_UID=1000 "$SETUP" --apply 2>&1)
RC=$?
expect "--apply as a user refuses and installs nothing" 1 "+must run as root"
[ ! -e "$TMP/apt.log" ]
ok $? "--apply as a user never ran apt-get"

# 3. The October 2023 bookworm image: 6.1 Debian-style naming.
newroot bookworm61; bookworm64; model "Raspberry Pi 400 Rev 1.0"; tools
kernel 6.1.0-rpi7-rpi-v8 linux-image-6.1.0-rpi7-rpi-v8
run 6.1.0-rpi7-rpi-v8 aarch64 arm64
expect "bookworm 6.1.0-rpi7-rpi-v8: linux-headers-rpi-v8" 1 "+flavour rpi-v8" \
	"+sudo apt install linux-headers-6.1.0-rpi7-rpi-v8 linux-headers-rpi-v8"

# 4. bullseye, legacy naming, 32-bit Pi 4 kernel.
newroot bullseye; os raspbian bullseye "Raspbian GNU/Linux 11 (bullseye)"
model "Raspberry Pi 4 Model B Rev 1.2"; tools
kernel 5.15.84-v7l+ raspberrypi-kernel; pkg raspberrypi-kernel 1:1.20230106-1 armhf
run 5.15.84-v7l+ armv7l armhf
expect "bullseye 5.15.84-v7l+: raspberrypi-kernel-headers, not linux-headers-rpi-*" 1 \
	"+flavour rpi-v7l, legacy naming, raspberrypi-kernel packages" \
	"+sudo apt update && sudo apt install raspberrypi-kernel-headers" \
	"-linux-headers-rpi" "-ARCH=arm64"

# 5. bullseye 32-bit userland booting the 64-bit kernel (Pi 4 default since 6.1.19).
newroot mixed-legacy; os raspbian bullseye "Raspbian GNU/Linux 11 (bullseye)"
model "Raspberry Pi 4 Model B Rev 1.4"; tools
kernel 6.1.21-v8+ raspberrypi-kernel; headers 6.1.21-v8+
pkg raspberrypi-kernel 1:1.20230405-1 armhf; pkg raspberrypi-kernel-headers 1:1.20230405-1 armhf
run 6.1.21-v8+ aarch64 armhf
expect "64-bit kernel on 32-bit userland: needs gcc-aarch64-linux-gnu" 1 \
	"+flavour rpi-v8, legacy naming" "+64-bit kernel on a 32-bit userland: aarch64-linux-gnu-gcc missing" \
	"+sudo apt install gcc-aarch64-linux-gnu" "+arm_64bit=0"
bin aarch64-linux-gnu-gcc
run 6.1.21-v8+ aarch64 armhf
expect "... and with the cross compiler: ready, make with ARCH=arm64 CROSS_COMPILE" 0 \
	"+Ready." "+  make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" \
	"+aarch64-linux-gnu-gcc present"

# 6. trixie 32-bit image on a Pi 5: the kernel is a foreign arm64 package.
newroot mixed-pi5; os raspbian trixie "Raspbian GNU/Linux 13 (trixie)"
model "Raspberry Pi 5 Model B Rev 1.0"; tools
kernel 6.12.47+rpt-rpi-2712 linux-image-6.12.47+rpt-rpi-2712:arm64
pkg linux-image-6.12.47+rpt-rpi-2712 1:6.12.47-1+rpt1 arm64
run 6.12.47+rpt-rpi-2712 aarch64 armhf
expect "Pi 5, 32-bit userland: :arm64 headers + cross compiler, no arm_64bit=0" 1 \
	"+sudo apt install linux-headers-6.12.47+rpt-rpi-2712:arm64 linux-headers-rpi-2712:arm64" \
	"+sudo apt install gcc-aarch64-linux-gnu" "+a Pi 5 boots only 64-bit kernels" "-arm_64bit=0"

# 7. apt full-upgrade without a reboot: newer kernel and its headers installed.
newroot upgraded; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"; tools
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8
kernel 6.12.34+rpt-rpi-v8 linux-image-6.12.34+rpt-rpi-v8; headers 6.12.34+rpt-rpi-v8
kernel 6.12.40+rpt-rpi-2712 linux-image-6.12.40+rpt-rpi-2712
pkg linux-image-rpi-v8 1:6.12.34-1+rpt1; pkg linux-headers-rpi-v8 1:6.12.34-1+rpt1
run 6.12.25+rpt-rpi-v8 aarch64 arm64
expect "upgrade without reboot: says reboot into the newer kernel of the same flavour" 1 \
	"+kernel 6.12.34+rpt-rpi-v8 is installed but 6.12.25+rpt-rpi-v8 is running" \
	"+reboot into it: sudo reboot" "+after the reboot, run scripts/rpi-setup again" \
	"-6.12.40+rpt-rpi-2712 is installed" "-apt install linux-headers-6.12.25"

# 7b. ... and the newer kernel has no headers either.
newroot upgraded-noheaders; bookworm64; model "Raspberry Pi 3 Model B Plus Rev 1.3"; tools
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8
kernel 6.12.34+rpt-rpi-v8 linux-image-6.12.34+rpt-rpi-v8
pkg linux-image-rpi-v8 1:6.12.34-1+rpt1
run 6.12.25+rpt-rpi-v8 aarch64 arm64
expect "upgrade without reboot, no headers: install the metapackage, then reboot" 1 \
	"+and 6.12.34+rpt-rpi-v8 has no headers either" \
	"+sudo apt update && sudo apt install linux-headers-rpi-v8" "+sudo reboot" \
	"+  2. after the reboot, run scripts/rpi-setup again"

# 8. rpi-update on bookworm: legacy-named kernel, no package owns it.
newroot rpi-update; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"; tools
mkdir -p "$R/boot/firmware"; echo 0123abcd >"$R/boot/firmware/.firmware_revision"
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8
kernel 6.6.31-v8+
run 6.6.31-v8+ aarch64 arm64
expect "rpi-update kernel: back to the apt kernel and its headers, reboot" 1 \
	"+legacy naming, from rpi-update" "+came from rpi-update: apt has no headers for it" \
	"+sudo apt install --reinstall linux-image-rpi-v8 linux-headers-rpi-v8" "+sudo reboot" \
	"-raspberrypi-kernel-headers"
kernel 6.6.31-v8-16k+
model "Raspberry Pi 5 Model B Rev 1.0"
run 6.6.31-v8-16k+ aarch64 arm64
expect "rpi-update on a Pi 5: -v8-16k+ is rpi-2712" 1 "+flavour rpi-2712, legacy naming, from rpi-update" \
	"+sudo apt install --reinstall linux-image-rpi-2712 linux-headers-rpi-2712"
OUT=$(KNTS_ROOT=$R KNTS_UNAME_R=6.6.31-v8+ KNTS_UNAME_M=aarch64 KNTS_DPKG_ARCH=arm64 \
	KNTS_APT=$TMP/fakeapt KNTS_UID=0 "$SETUP" --apply 2>&1)
RC=$?
expect "--apply does not swap kernels by itself" 1 "+nothing apt-get can do here"

# 9. build/ points at headers of another version.
newroot mismatch; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"; tools
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8
headers 6.12.25+rpt-rpi-v8 6.12.20+rpt-rpi-v8
run 6.12.25+rpt-rpi-v8 aarch64 arm64
expect "headers of another version behind build/: reinstall the exact package" 1 \
	"+mismatch: /lib/modules/6.12.25+rpt-rpi-v8/build is for 6.12.20+rpt-rpi-v8" \
	"+sudo apt install --reinstall linux-headers-6.12.25+rpt-rpi-v8"

# 10. bullseye: kernel and headers packages of different versions.
newroot skew; os raspbian bullseye "Raspbian GNU/Linux 11 (bullseye)"
model "Raspberry Pi 3 Model B Rev 1.2"; tools
kernel 6.1.21-v7+ raspberrypi-kernel
pkg raspberrypi-kernel 1:1.20230405-1 armhf; pkg raspberrypi-kernel-headers 1:1.20230317-1 armhf
run 6.1.21-v7+ armv7l armhf
expect "raspberrypi-kernel and -headers versions differ: reinstall both, reboot" 1 \
	"+raspberrypi-kernel is 1:1.20230405-1 but raspberrypi-kernel-headers is 1:1.20230317-1" \
	"+sudo apt install --reinstall raspberrypi-kernel raspberrypi-kernel-headers" "+sudo reboot"

# 11. Pi Zero: rpi-v6, with headers of flavours it never boots.
newroot zero; os raspbian bookworm "Raspbian GNU/Linux 12 (bookworm)"; rpios
model "Raspberry Pi Zero W Rev 1.1"; tools
kernel 6.12.25+rpt-rpi-v6 linux-image-6.12.25+rpt-rpi-v6; headers 6.12.25+rpt-rpi-v6
pkg linux-image-rpi-v6 1:6.12.25-1+rpt1 armhf; pkg linux-headers-rpi-v6 1:6.12.25-1+rpt1 armhf
pkg linux-headers-rpi-v7 1:6.12.25-1+rpt1 armhf; pkg linux-headers-rpi-v7l 1:6.12.25-1+rpt1 armhf
run 6.12.25+rpt-rpi-v6 armv6l armhf
expect "Pi Zero rpi-v6: ready, with advice to drop unused flavours" 0 "+flavour rpi-v6" \
	"+Pi 1 / Zero (ARMv6, one core)" "+sudo apt remove linux-headers-rpi-v7 linux-headers-rpi-v7l"
run 6.1.21+ armv6l armhf
expect "legacy 6.1.21+ reads as rpi-v6" 1 "+flavour rpi-v6, legacy naming"

# 12. Plain Debian, not a Pi.
newroot debian; os debian bookworm "Debian GNU/Linux 12 (bookworm)"; rm "$R/proc/device-tree" -r; tools
kernel 6.1.0-56-amd64 linux-image-6.1.0-56-amd64; headers 6.1.0-56-amd64
run 6.1.0-56-amd64 x86_64 amd64
expect "Debian amd64 with headers: ready, generic checks" 0 \
	"+not a Raspberry Pi: generic Debian checks" "+flavour amd64, Debian/generic packages" "+Ready."
rm "$R/lib/modules/6.1.0-56-amd64/build"
run 6.1.0-56-amd64 x86_64 amd64
expect "Debian amd64 without headers: linux-headers-\$(uname -r)" 1 \
	"+sudo apt update && sudo apt install linux-headers-6.1.0-56-amd64"

# 13. A kernel without cmac: nothing to install fixes it.
newroot nocmac; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"; tools
kernel 6.18.29+rpt-rpi-v8 linux-image-6.18.29+rpt-rpi-v8
headers 6.18.29+rpt-rpi-v8 "" "CONFIG_NETFILTER=y CONFIG_CRYPTO_CTR=y"
run 6.18.29+rpt-rpi-v8 aarch64 arm64
expect "kernel without CONFIG_CRYPTO_CMAC: blocked, said plainly" 1 \
	"+CONFIG_CRYPTO_CMAC=unset" "+this kernel lacks CONFIG_CRYPTO_CMAC" '-it must say "Ready"'

# 14. A container or chroot (pi-gen): uname -r is the host's.
newroot chroot; bookworm64; tools
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8; headers 6.12.25+rpt-rpi-v8
run 6.8.0-45-generic x86_64 arm64
expect "chroot: uname -r is not a kernel here; build with KVER=" 1 \
	"+is not a kernel of this system (a container or chroot?)" \
	"+make KVER=<one of: 6.12.25+rpt-rpi-v8>"

# 15. Build tools missing.
newroot notools; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8; headers 6.12.25+rpt-rpi-v8
pkg pkg-config 1.8.1-1
run 6.12.25+rpt-rpi-v8 aarch64 arm64
expect "no compiler, no libnl/libssl: one apt line for them" 1 \
	"+sudo apt install build-essential libnl-genl-3-dev libssl-dev" "+gcc missing"

# 16. Ubuntu on a Pi.
newroot ubuntu; os ubuntu noble "Ubuntu 24.04.1 LTS"; model "Raspberry Pi 4 Model B Rev 1.5"; tools
kernel 6.8.0-1004-raspi linux-image-6.8.0-1004-raspi
run 6.8.0-1004-raspi aarch64 arm64
expect "Ubuntu raspi kernel: linux-headers-\$(uname -r) + linux-headers-raspi" 1 \
	"+sudo apt install linux-headers-6.8.0-1004-raspi linux-headers-raspi" "-Raspberry Pi OS"

# 17. Headers fine now, but the metapackages drifted apart.
newroot drift; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"; tools
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8; headers 6.12.25+rpt-rpi-v8
pkg linux-image-rpi-v8 1:6.12.34-1+rpt1; pkg linux-headers-rpi-v8 1:6.12.25-1+rpt1
run 6.12.25+rpt-rpi-v8 aarch64 arm64
expect "metapackages of different versions: ready now, warned for the next update" 0 \
	"+linux-image-rpi-v8 is 1:6.12.34-1+rpt1 but linux-headers-rpi-v8 is 1:6.12.25-1+rpt1" "+Ready."

# 18. Usage.
run 6.1.0-56-amd64 x86_64 amd64 --bogus
expect "unknown option: exit 2" 2 "+Usage: scripts/rpi-setup"

done_testing
