#!/bin/sh
# The benchmark is scripts/bench.py ('make bench'); this wrapper stays for old habits.
# usage: scripts/bench.sh [size-in-MiB] [rounds]
exec python3 "$(dirname "$0")/bench.py" "$@"
