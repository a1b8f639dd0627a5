#!/bin/sh
# Unpacks proftpd and pure-ftpd for the tests into .build/ftp-servers/root, without installing them.
# usage (as root): scripts/unpack-servers.sh
#
# As Debian packages, vsftpd, proftpd and pure-ftpd conflict (installing one removes the other), and installing
# one starts its daemon on port 21. So the two that the tests add are fetched with `apt-get download` and
# unpacked with `dpkg -x`; the tests start them from there on 127.0.0.1 with configurations of their own.
# What the two binaries link against (small libraries that conflict with nothing) is installed the usual way.
# Quiet and quick when everything is in place already.
set -eu
cd "$(dirname "$0")/.."
dest=.build/ftp-servers
root=$dest/root
packages="proftpd-core proftpd-mod-crypto pure-ftpd pure-ftpd-common"
libraries="libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 libsodium23 libcap2 libpam0g libssl3"

missing=""
for library in $libraries; do
    dpkg-query -W -f='${Status}' "$library" 2>/dev/null | grep -q "ok installed" || missing="$missing $library"
done
if [ -n "$missing" ]; then
    echo "Installing:$missing"
    ./scripts/install-packages.sh $missing
fi

if [ -x "$root/usr/sbin/proftpd" ] && [ -x "$root/usr/sbin/pure-ftpd" ] && [ -f "$root/usr/lib/proftpd/mod_tls.so" ] \
        && [ -x "$root/usr/bin/pure-pw" ]; then
    exit 0
fi
echo "Unpacking for the tests (not installing): $packages"
mkdir -p "$dest/debs"
rm -f "$dest"/debs/*.deb
# apt's sandbox user cannot write into a root-owned build folder: download in a folder it may use.
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download $packages >/dev/null 2>&1) || {
    apt-get update -qq && (cd "$work" && apt-get download $packages >/dev/null)
}
mv "$work"/*.deb "$dest/debs/"
rm -rf "$root"
mkdir -p "$root"
for deb in "$dest"/debs/*.deb; do dpkg -x "$deb" "$root"; done
for binary in "$root/usr/sbin/proftpd" "$root/usr/sbin/pure-ftpd"; do
    if ldd "$binary" | grep -q "not found"; then
        echo "unpack-servers: $binary lacks libraries:" >&2
        ldd "$binary" | grep "not found" >&2
        exit 1
    fi
done
