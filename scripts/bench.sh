#!/usr/bin/env bash
# make bench: Ferry beside curl, lftp and tnftp on the same file from the same local server, in one run.
# Prints wall time, throughput, CPU and peak memory per client, and Ferry's ratio to each.
# Usage: scripts/bench.sh [size-in-MiB] [rounds]   (default 1024 MiB, 3 rounds; the median is reported)
set -euo pipefail
size_mib=${1:-1024}
rounds=${2:-3}
ferry=${FERRY:-.build/release/ferry}
root=$(mktemp -d /tmp/ferry-bench-XXXXXX)
out=$(mktemp -d /tmp/ferry-bench-out-XXXXXX)
log="$root.log"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true; rm -rf "$root" "$out" "$log"; }
trap cleanup EXIT

head -c $((size_mib * 1048576)) /dev/urandom > "$root/file.bin"
python3 Tests/Fixtures/servers/pyftpd.py --root "$root" > "$log" 2>&1 &
server=$!
for _ in $(seq 1 100); do port=$(sed -n 's/^PORT //p' "$log" | head -n 1); [ -n "$port" ] && break; sleep 0.1; done
[ -n "${port:-}" ] || { echo "bench: server did not start" >&2; cat "$log" >&2; exit 1; }
want=$(sha256sum "$root/file.bin" | cut -d' ' -f1)

run() { # name, command...
    local name=$1; shift
    rm -f "$out/file.bin" "$out/.file.bin.part"; sync
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" > /dev/null 2>&1 || { echo "$name failed" >&2; return 1; }
    [ "$(sha256sum "$out/file.bin" | cut -d' ' -f1)" = "$want" ] || { echo "$name: wrong file" >&2; return 1; }
    read -r wall user sys rss < "$out/time"
    echo "$name $wall $(echo "$user + $sys" | bc) $rss" >> "$out/results"
}

script="user tester secret
binary
lcd $out
get file.bin
quit
"
for round in $(seq 1 "$rounds"); do
    run ferry sh -c "printf '%s' \"\$0\" | $ferry -n 127.0.0.1 $port" "$script"
    run curl curl -s -o "$out/file.bin" "ftp://tester:secret@127.0.0.1:$port/file.bin"
    command -v lftp >/dev/null && run lftp lftp -u tester,secret -e "set xfer:clobber on; lcd $out; get file.bin; quit" "ftp://127.0.0.1:$port"
    command -v tnftp >/dev/null && run tnftp sh -c "printf '%s' \"\$0\" | tnftp -n 127.0.0.1 $port" "$script"
done

echo "Download of ${size_mib} MiB from pyftpdlib on 127.0.0.1, median of $rounds rounds"
printf '%-8s %9s %10s %8s %9s %14s\n' client "wall s" "MB/s" "CPU s" "RSS MiB" "ferry speedup"
ferry_wall=$(awk '$1=="ferry"{print $2}' "$out/results" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
for client in ferry curl lftp tnftp; do
    grep -q "^$client " "$out/results" || continue
    med() { awk -v c="$client" -v f="$1" '$1==c{print $f}' "$out/results" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
    wall=$(med 2); cpu=$(med 3); rss=$(med 4)
    printf '%-8s %9.2f %10.0f %8.2f %9.1f %13.2fx\n' "$client" "$wall" \
        "$(echo "$size_mib * 1.048576 / $wall" | bc -l)" "$cpu" "$(echo "$rss / 1024" | bc -l)" \
        "$(echo "$wall / $ferry_wall" | bc -l)"
done
