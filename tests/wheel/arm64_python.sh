#!/bin/sh
# An arm64 CPython 3.11 from Debian's arm64 packages, unpacked under $1 (never installed into /),
# for running the aarch64 wheel under qemu-user: `qemu-aarch64 -L $1 $1/usr/bin/python3.11`.
# Needs root once, to let apt fetch arm64 packages and to install qemu-user.
set -eu
root=$1
[ -x "$root/usr/bin/python3.11" ] && exit 0
command -v qemu-aarch64 >/dev/null || { apt-get update -qq && apt-get install -y -qq qemu-user; }
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
fi
debs=$(mktemp -d)
cd "$debs"
# python3.11-minimal and libpython3.11-stdlib, with the libraries they link (from
# `apt-cache depends --recurse`, less dpkg, tar and install-info).
apt-get download -qq \
    python3.11-minimal:arm64 libpython3.11-minimal:arm64 libpython3.11-stdlib:arm64 \
    libc6:arm64 libgcc-s1:arm64 gcc-12-base:arm64 libexpat1:arm64 zlib1g:arm64 libssl3:arm64 \
    libffi8:arm64 libbz2-1.0:arm64 liblzma5:arm64 libsqlite3-0:arm64 libuuid1:arm64 \
    libncursesw6:arm64 libtinfo6:arm64 libreadline8:arm64 libcrypt1:arm64 libdb5.3:arm64 \
    libnsl2:arm64 libtirpc3:arm64 libgssapi-krb5-2:arm64 libkrb5-3:arm64 libk5crypto3:arm64 \
    libkrb5support0:arm64 libkeyutils1:arm64 libcom-err2:arm64 2>/dev/null
mkdir -p "$root"
for deb in *.deb; do dpkg-deb -x "$deb" "$root"; done
cd / && rm -rf "$debs"
qemu-aarch64 -L "$root" "$root/usr/bin/python3.11" -c 'import platform; print("arm64 python", platform.python_version(), platform.machine())'
