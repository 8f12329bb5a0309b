#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Generates ./configure from configure.ac (a release tarball ships it).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
