#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs, from Debian 12's packages, everything libsyncmap needs to build,
# test and benchmark against its C and C++ peers (liburcu-dev for
# rculfhash, g++ with libtbb-dev, libcds-dev, libcuckoo-dev; Go's
# suite installs golang-go itself).  Run as root (or through sudo).
set -eu
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	ca-certificates gcc make autoconf automake libtool pkg-config \
	libck-dev check libxxhash-dev libc6-dev binutils valgrind \
	gnuplot-nox mandoc groff-base liburcu-dev \
	g++ libtbb-dev libcds-dev libcuckoo-dev
# <sys/sdt.h>, for the library's USDT probes (configure builds without).
apt-get install -y -q --no-install-recommends systemtap-sdt-dev
