#!/bin/sh
# Runs `ferry --diagnose` through each path of the NAT and firewall lab (Tests/Fixtures/netlab.sh) and prints
# the outputs as Markdown, for Docs/Diagnose.md. As root; everything happens in namespaces made and removed here.
# usage: scripts/diagnose-lab.sh [FERRY-BINARY]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
lab=$here/Tests/Fixtures/netlab.sh
ferry=${1:-$here/.build/debug/ferry}
root=$(mktemp -d /tmp/ferry-lab-docs.XXXXXX)
certs=$(mktemp -d /tmp/ferry-lab-certs.XXXXXX)
trap 'rm -rf "$root" "$certs"' EXIT
chmod 755 "$root"
for i in 1 2 3 4 5; do echo "file $i" > "$root/f$i.txt"; done
head -c 1048576 /dev/zero > "$root/one-mib.bin"
chmod 644 "$root"/*.txt "$root"/*.bin
name=fl$$x1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ferry-lab -addext subjectAltName=IP:203.0.113.2 \
    -keyout "$certs/key.pem" -out "$certs/cert.pem" 2>/dev/null
for path in routed server-nat client-nat client-firewall-drop server-firewall-drop server-firewall-reject epsv-black-hole blocked \
        ftps-server-nat; do
    flags=""
    if [ "$path" = ftps-server-nat ]; then
        target=$(sh "$lab" up "$name" server-nat "$root" tls "$certs/cert.pem" "$certs/key.pem")
        flags="--tls --cacert cert.pem"
    else
        target=$(sh "$lab" up "$name" "$path" "$root")
    fi
    sh "$lab" serve "$name" &
    sh "$lab" ready "$name"
    echo "### $path"
    echo
    echo '```'
    echo "\$ ferry --diagnose $flags${flags:+ }$target"
    started=$(date +%s.%N)
    (cd "$certs" && ip netns exec "$name-c" env HOME="$root" "$ferry" --diagnose $flags "$target") || true
    ended=$(date +%s.%N)
    echo '```'
    printf '(%.1f s in all)\n\n' "$(echo "$ended - $started" | bc)"
    sh "$lab" down "$name"
    wait 2>/dev/null || true
done
