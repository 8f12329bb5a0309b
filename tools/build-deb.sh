#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Builds the Debian packages from the committed tree (git archive HEAD, so
# a clean clone: uncommitted changes are left out), checks them with
# lintian (no error allowed), installs them, and builds and runs a program
# against the installed packages as a user would, through pkg-config.
#   tools/build-deb.sh [-k] [-o DIR]
#   -k  keep the packages installed (default: remove them again)
#   -o  where the .deb files and the logs go (default deb-out)
# Run as root (apt-get install), from anywhere in the clone, after
# tools/install-deps.sh (the build dependencies of debian/control); it
# installs Debian's packaging tools itself, which nothing else needs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
keep=no out=deb-out
while getopts ko: opt; do
	case $opt in
	k) keep=yes ;;
	o) out=$OPTARG ;;
	*) sed -n '7,9p' "$0" >&2; exit 2 ;;
	esac
done
say() { printf 'build-deb: %s\n' "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root: the packages are installed with apt-get"
tools="git dpkg-buildpackage dh dh_autoreconf lintian fakeroot"
# dpkg-buildpackage checks for build-essential, which a minimal Debian
# lacks and no command stands for.
dpkg -s build-essential > /dev/null 2>&1 || tools="build-essential-missing $tools"
for tool in $tools; do
	command -v "$tool" > /dev/null && continue
	say "installing Debian's packaging tools"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		build-essential debhelper dh-autoreconf dpkg-dev fakeroot lintian git > /dev/null
	break
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/syncmap-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

say "building from $(git -C "$top" rev-parse --short HEAD) in $work"
git -C "$top" archive --format=tar --prefix=libsyncmap/ HEAD | tar -x -C "$work"
if ! (cd "$work/libsyncmap" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
	if grep -q 'dpkg-gensymbols' "$out/build.log"; then
		grep -A30 'dpkg-gensymbols: warning' "$out/build.log" | head -40 >&2
		die "debian/libsyncmap0.symbols does not match the exports: add a line
  ' NAME@Base VERSION' for each new function (make check's tests/symbols.test
  prints them); see $out/build.log"
	fi
	tail -40 "$out/build.log" >&2
	die "dpkg-buildpackage failed; see $out/build.log"
fi
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
changes=$(ls "$out"/libsyncmap_*.changes)
say "built: $(cd "$out" && ls ./*.deb | tr '\n' ' ')"

# lintian exits nonzero on errors only (--fail-on error); its warnings
# and notes are printed for a reader to judge.
lintian --fail-on error --info "$changes" > "$out/lintian.log" 2>&1 ||
	{ cat "$out/lintian.log" >&2; die "lintian reports errors"; }
say "lintian: $(grep -c '^E:' "$out/lintian.log" || true) errors, $(grep -c '^W:' "$out/lintian.log" || true) warnings, $(grep -c '^[IN]:' "$out/lintian.log" || true) notes"
sed 's/^/  /' "$out/lintian.log"

# Contents: what each package must carry, and no libtool archive.
contents() { dpkg-deb -c "$out/$1"_*.deb | awk '{ print $6 }'; }
expect() {
	pkg=$1; shift
	for pat in "$@"; do
		contents "$pkg" | grep -q -E "$pat" || die "$pkg lacks $pat"
	done
}
expect libsyncmap0 '/usr/lib/[^/]+/libsyncmap\.so\.0$' '/usr/lib/[^/]+/libsyncmap\.so\.0\.[0-9.]+$'
expect libsyncmap-dev '/usr/include/syncmap\.h$' '/usr/lib/[^/]+/libsyncmap\.so$' \
	'/usr/lib/[^/]+/libsyncmap\.a$' '/usr/lib/[^/]+/pkgconfig/syncmap\.pc$' \
	'/usr/share/man/man3/syncmap\.3\.gz$' '/usr/share/man/man3/syncmap_create\.3\.gz$'
expect syncmap-tools '/usr/bin/syncmap-stress$' '/usr/share/man/man1/syncmap-stress\.1\.gz$'
for deb in "$out"/*.deb; do
	! dpkg-deb -c "$deb" | grep -q '\.la$' || die "$(basename "$deb") ships a .la"
done
# The probes survive dh_strip.
mkdir "$work/unpacked"
dpkg-deb -x "$out"/libsyncmap0_*.deb "$work/unpacked"
probes=$(readelf -n "$work"/unpacked/usr/lib/*/libsyncmap.so.0 | awk '$1 == "Provider:" { p = $2 }
	$1 == "Name:" && p == "syncmap" { print $2 }' | sort -u | tr '\n' ' ')
say "USDT probes in the packaged library: ${probes:-none}"

# Install, and build and run a program as a user would.
had=$(dpkg-query -W -f '${db:Status-Abbrev}' libsyncmap0 2>/dev/null || true)
say "installing the packages"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"$out"/libsyncmap0_*.deb "$out"/libsyncmap-dev_*.deb "$out"/syncmap-tools_*.deb \
	> "$out/install.log" 2>&1 || { cat "$out/install.log" >&2; die "apt-get install failed"; }
cleanup() {
	if [ $keep = no ] && [ "${had#ii}" = "$had" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q syncmap-tools libsyncmap-dev \
			libsyncmap0 > "$out/purge.log" 2>&1 || say "could not remove the packages: see $out/purge.log"
	fi
	rm -rf "$work"
}
trap cleanup EXIT
version=$(dpkg-query -W -f '${Version}' libsyncmap0)
cat > "$work/x.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <syncmap.h>

int
main(void)
{
	syncmap_t *m = syncmap_create(NULL);
	void *v = NULL;

	if (m == NULL || syncmap_store(m, "k", 1, "v") != 0 ||
	    syncmap_load(m, "k", 1, &v) != 1 || strcmp(v, "v") != 0)
		return 1;
	syncmap_destroy(m);
	printf("%s %s\n", SYNCMAP_VERSION_STRING, syncmap_version());
	return 0;
}
EOF
# Only what the packages installed: no caller's search paths.
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR LD_LIBRARY_PATH
[ "$(pkg-config --modversion syncmap)" = "$version" ] ||
	die "pkg-config finds syncmap $(pkg-config --modversion syncmap), not $version"
# shellcheck disable=SC2046 # pkg-config prints flag lists
cc -Wall -Wextra -Werror -o "$work/x" "$work/x.c" $(pkg-config --cflags --libs syncmap)
got=$("$work/x") || die "the program linked against the packages failed"
[ "$got" = "$version $version" ] || die "header and library say '$got', not '$version $version'"
say "PASS: cc x.c \$(pkg-config --cflags --libs syncmap) builds and runs: $got"
# The static library, with the private libraries syncmap.pc names.
# shellcheck disable=SC2046
cc -o "$work/xs" "$work/x.c" $(pkg-config --cflags syncmap) \
	$(pkg-config --static --libs syncmap | sed 's/-lsyncmap\b/-l:libsyncmap.a/')
"$work/xs" > /dev/null || die "the program linked against libsyncmap.a failed"
! ldd "$work/xs" | grep -q libsyncmap || die "xs is not linked statically against libsyncmap"
say "PASS: linked against libsyncmap.a with pkg-config --static, and ran"
syncmap-stress -q -n 20000 -k 2000 -W 200 -t 1 > "$out/stress.out" 2>&1 ||
	{ cat "$out/stress.out" >&2; die "the installed syncmap-stress failed"; }
say "PASS: the installed syncmap-stress runs"
