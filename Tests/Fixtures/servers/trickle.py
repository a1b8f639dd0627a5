#!/usr/bin/env python3
"""A tiny FTP server whose data connections trickle one byte every half second, forever (listings and RETR).

Prints "PORT <n>" once it listens on 127.0.0.1 (port 0); serves one client at a time; exits when standard input
closes. Enough FTP for a login and a transfer over EPSV; everything else is 502.
"""
import os
import socket
import sys
import threading
import time


def serve(conn):
    conn.settimeout(60)
    buffer = b""
    passive = None

    def reply(text):
        conn.sendall((text + "\r\n").encode())

    reply("220 trickle test server")
    while True:
        while b"\n" not in buffer:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        verb = line.strip().split(b" ")[0].upper().decode("ascii", "replace")
        if verb == "USER":
            reply("331 Password please.")
        elif verb == "PASS":
            reply("230 Logged in.")
        elif verb in ("TYPE", "MODE", "STRU"):
            reply("200 OK.")
        elif verb == "PWD":
            reply('257 "/" is the current directory')
        elif verb == "EPSV":
            passive = socket.socket()
            passive.bind(("127.0.0.1", 0))
            passive.listen(1)
            reply(f"229 Entering Extended Passive Mode (|||{passive.getsockname()[1]}|)")
        elif verb in ("LIST", "NLST", "MLSD", "RETR") and passive is not None:
            reply("150 Here it comes, slowly.")
            data, _ = passive.accept()
            passive.close()
            passive = None
            threading.Thread(target=trickle, args=(data,), daemon=True).start()
        elif verb == "QUIT":
            reply("221 Bye.")
            return
        else:
            reply("502 Not implemented.")


def trickle(data):
    try:
        while True:
            data.sendall(b"x")
            time.sleep(0.5)
    except OSError:
        data.close()


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=lambda c=conn: (serve_safely(c)), daemon=True).start()


def serve_safely(conn):
    try:
        serve(conn)
    except OSError:
        pass
    finally:
        conn.close()


if __name__ == "__main__":
    main()
