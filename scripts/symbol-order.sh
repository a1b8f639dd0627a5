#!/usr/bin/env bash
# make symbol-order: writes scripts/ferry.symbol-order, the functions a batch session runs (log in, ls, get, put,
# mget/mput with and without -P, pget, reget, mirror both ways, rename, delete, a URL download and an upload),
# recorded by valgrind's callgrind against a pyftpdlib server on 127.0.0.1. `make release` hands the list to lld,
# which places those functions side by side: the kernel maps an executable 64 KiB around every page first touched,
# so hot code scattered over 5.8 MB of text cost 4.2 MiB of resident memory in a get, and packed 2.6 MiB (most of
# the rest is the Swift standard library's own undivided .text, which no order can split).
# Regenerate after large changes; a name that no longer exists is skipped (lld --no-warn-symbol-ordering).
set -euo pipefail
binary=${1:-.build/release/ferry}
out=${2:-scripts/ferry.symbol-order}
command -v valgrind >/dev/null || { echo "symbol-order: installing valgrind" >&2; ./scripts/install-packages.sh valgrind; }
work=$(mktemp -d /tmp/ferry-order-XXXXXX)
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root/many" "$work/root/up" "$work/here" "$work/local"
head -c 3000000 /dev/urandom > "$work/root/big.bin"
for i in $(seq 1 30); do head -c 4096 /dev/urandom > "$work/root/many/f$i.bin"; done
for i in $(seq 1 10); do head -c 4096 /dev/urandom > "$work/local/u$i.bin"; done
cp "$work/root/big.bin" "$work/local/put.bin"
python3 Tests/Fixtures/servers/pyftpd.py --root "$work/root" > "$work/server.log" 2>&1 &
server=$!
. scripts/pyftpd-port.sh
wait_for_port "$work/server.log" || { echo "symbol-order: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
# valgrind cannot read the toolchain's DWARF; the symbol table is all it needs.
strip --strip-debug -o "$work/ferry" "$binary"
# Each run is bounded: a server that stops answering must not hang the make.
record() { timeout 300 valgrind --tool=callgrind --demangle=no --compress-strings=no --dump-instr=no \
    --callgrind-out-file="$work/calls.%p" "$work/ferry" "$@" > "$work/ferry.log" 2>&1; }
(cd "$work/here" && record -n 127.0.0.1 "$port" <<EOF
user tester secret
binary
ls
dir
get big.bin
get big.bin /dev/null
cd many
mget *
mget -P 4 *
cd ../up
lcd $work/local
put put.bin
mput u*.bin
mput -P 3 u*.bin
cd ..
pget -n 3 big.bin big2.bin
reget big.bin
mirror -P 3 many mirrored
mirror -P 3 many mirrored
mirror -R -P 3 mirrored up/mirrored
size big.bin
modtime big.bin
rename up/put.bin up/p2.bin
delete up/p2.bin
mkdir d1
rmdir d1
pwd
status
quit
EOF
)
(cd "$work/here" && record -o big3.bin "ftp://tester:secret@127.0.0.1:$port/big.bin")
(cd "$work/local" && record -u "ftp://tester:secret@127.0.0.1:$port/up/" u1.bin u2.bin)
(cd "$work/here" && record --version)
# Functions of the executable only (libc's are not ours to place), named as the linker knows them.
nm --defined-only "$work/ferry" | awk '{print $3}' | sort -u > "$work/defined"
# Written beside and moved into place: a failed run leaves the committed list as it was.
sed -n 's/^fn=\(([0-9]*) \)\{0,1\}//p' "$work"/calls.* | sort -u | comm -12 - "$work/defined" > "$work/order"
[ -s "$work/order" ] || { echo "symbol-order: no functions recorded" >&2; exit 1; }
mv "$work/order" "$out"
echo "symbol-order: $(wc -l < "$out") functions in $out"
