#!/usr/bin/env python3
"""Answers AUTH TLS with 234, then a TLS alert instead of a handshake: the client's TLS set-up fails at once.
Everything the client sends afterwards is appended to --log (it must be nothing: no USER, no PASS in clear text).

Prints "PORT <n>" once it listens on 127.0.0.1 (port 0); one connection; exits when standard input closes.
"""
import argparse
import os
import socket
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    conn, _ = listener.accept()
    conn.settimeout(10)
    conn.sendall(b"220 hi\r\n")
    line = conn.recv(4096)
    if not line.upper().startswith(b"AUTH TLS"):
        return
    conn.sendall(b"234 go ahead\r\n")
    conn.recv(4096)  # the ClientHello
    conn.sendall(bytes([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]))  # fatal alert: handshake_failure
    with open(args.log, "ab") as log:
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                log.write(data)
                log.flush()
        except OSError:
            pass


if __name__ == "__main__":
    main()
