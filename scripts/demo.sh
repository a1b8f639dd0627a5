#!/usr/bin/env bash
# make demo: a sandbox pyftpdlib server on 127.0.0.1 with sample files, and the Ferry shell on it.
set -euo pipefail
ferry=${FERRY:-.build/debug/ferry}
root=$(mktemp -d /tmp/ferry-demo-XXXXXX)
log="$root.log"
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    rm -rf "$root" "$log"
}
trap cleanup EXIT

mkdir -p "$root/docs" "$root/incoming"
printf 'Welcome to the Ferry sandbox.\nTry: ls, get readme.txt, cd docs, put <file> incoming/<file>\n' > "$root/readme.txt"
printf 'line one\nline two\nline three\n' > "$root/docs/lines.txt"
head -c 4194304 /dev/urandom > "$root/random-4MiB.bin"
for n in 1 2 3; do printf 'report %s\n' "$n" > "$root/docs/report-$n.txt"; done

python3 Tests/Fixtures/servers/pyftpd.py --root "$root" --demo > "$log" 2>&1 &
server=$!
. scripts/pyftpd-port.sh
if ! wait_for_port "$log"; then
    echo "demo: the sandbox server did not start:" >&2
    cat "$log" >&2
    exit 1
fi
echo "Sandbox FTP server on 127.0.0.1 port $port (anonymous; incoming/ is writable). Type 'help', 'quit' to leave."
"$ferry" -a 127.0.0.1 "$port"
