# Sourced by demo.sh and symbol-order.sh: `wait_for_port LOG` waits up to 10 s for the "PORT n" line that
# Tests/Fixtures/servers/pyftpd.py writes to LOG when it listens, and sets $port; returns 1 when none came.
wait_for_port() {
    port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's/^PORT //p' "$1" | head -n 1)
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    return 1
}
