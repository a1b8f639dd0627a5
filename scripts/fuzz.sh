#!/usr/bin/env bash
# Fuzzes FerryCore's parsers with libFuzzer for a bounded time (seconds, default 60).
# Seeds: the captured listings and a few replies. A crashing input is kept in Tests/Fixtures/fuzz-crashes/,
# where FuzzCrashReplayTests replays it on every `make test`.
set -euo pipefail
seconds=${1:-60}
out=.build/fuzz
mkdir -p "$out" Tests/Fixtures/fuzz-crashes
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name FerryCore -D FERRY_FUZZ \
    Sources/FerryCore/*.swift Tests/FerryCoreTests/FuzzTargets.swift Tests/Fuzz/FuzzEntry.swift -o "$out/ferry-fuzz"
corpus=$(mktemp -d /tmp/ferry-fuzz-corpus-XXXXXX)
trap 'rm -rf "$corpus"' EXIT
i=0
for f in Tests/Fixtures/listings/*/LIST Tests/Fixtures/listings/*/MLSD; do cp "$f" "$corpus/seed-$i"; i=$((i+1)); done
printf '227 Entering Passive Mode (127,0,0,1,195,80)\r\n' > "$corpus/pasv"
printf '229 Entering Extended Passive Mode (|||6446|)\r\n' > "$corpus/epsv"
printf '211-Features:\r\n EPSV\r\n MLST type*;size*;\r\n211 End\r\n' > "$corpus/feat"
printf '|2|::1|2121|' > "$corpus/eprt"
printf '20240102030405' > "$corpus/mdtm"
printf 'modify=20240102030405.123;size=5;type=file; a.txt\r\n' > "$corpus/mlsd-time"
for f in Tests/Fixtures/fuzz-crashes/crash-*; do [ -e "$f" ] && cp "$f" "$corpus/"; done
status=0
"$out/ferry-fuzz" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Tests/Fixtures/fuzz-crashes/ \
    -print_final_stats=1 "$corpus" 2>&1 | tail -n 12 || status=$?
if [ "$status" -ne 0 ]; then
    echo "fuzz: a crash was found and kept in Tests/Fixtures/fuzz-crashes/ (exit $status)" >&2
    exit "$status"
fi
echo "fuzz: no crash in ${seconds} s"
