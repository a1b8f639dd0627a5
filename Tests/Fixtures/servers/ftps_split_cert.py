#!/usr/bin/env python3
"""A tiny explicit-FTPS server for one fault: its data connections present another certificate than its control
connection, from a separate TLS context, so a client's session resumption can never succeed there.

Prints "PORT <n>" once it listens on 127.0.0.1 (port 0), serves one client at a time, and exits when standard
input closes. Enough of FTP for a login and a RETR over EPSV: AUTH TLS, USER, PASS, FEAT, PBSZ, PROT, TYPE, SIZE,
EPSV, RETR, QUIT; everything else is 502.
"""
import argparse
import os
import socket
import ssl
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--control-cert", required=True)
    parser.add_argument("--control-key", required=True)
    parser.add_argument("--data-cert", required=True)
    parser.add_argument("--data-key", required=True)
    args = parser.parse_args()

    control_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    control_context.load_cert_chain(args.control_cert, args.control_key)
    data_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    data_context.load_cert_chain(args.data_cert, args.data_key)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()

    while True:
        conn, _ = listener.accept()
        conn.settimeout(30)
        try:
            serve(conn, control_context, data_context, args.root)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()


def serve(conn, control_context, data_context, root):
    stream = conn
    buffer = b""
    passive = None

    def reply(text):
        stream.sendall((text + "\r\n").encode())

    reply("220 split-cert test server")
    while True:
        while b"\n" not in buffer:
            chunk = stream.recv(4096)
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        line = line.rstrip(b"\r").decode("utf-8", "replace")
        verb, _, argument = line.partition(" ")
        verb = verb.upper()
        if verb == "AUTH":
            reply("234 Proceed with negotiation.")
            stream = control_context.wrap_socket(conn, server_side=True)
        elif verb == "USER":
            reply("331 Password please.")
        elif verb == "PASS":
            reply("230 Logged in.")
        elif verb == "FEAT":
            reply("211-Features:\r\n EPSV\r\n SIZE\r\n PBSZ\r\n PROT\r\n211 End")
        elif verb in ("PBSZ", "PROT", "TYPE"):
            reply("200 OK.")
        elif verb == "SIZE":
            path = os.path.join(root, os.path.basename(argument))
            reply(f"213 {os.path.getsize(path)}" if os.path.isfile(path) else "550 No such file.")
        elif verb == "EPSV":
            passive = socket.socket()
            passive.bind(("127.0.0.1", 0))
            passive.listen(1)
            passive.settimeout(15)
            reply(f"229 Entering Extended Passive Mode (|||{passive.getsockname()[1]}|)")
        elif verb == "RETR" and passive is not None:
            path = os.path.join(root, os.path.basename(argument))
            if not os.path.isfile(path):
                reply("550 No such file.")
                continue
            reply("150 Opening data connection.")
            data, _ = passive.accept()
            passive.close()
            passive = None
            try:
                protected = data_context.wrap_socket(data, server_side=True)
                with open(path, "rb") as f:
                    protected.sendall(f.read())
                protected.close()
                reply("226 Transfer complete.")
            except (OSError, ssl.SSLError) as error:
                reply(f"426 Data connection failed: {error}")
            finally:
                data.close()
        elif verb == "QUIT":
            reply("221 Bye.")
            return
        else:
            reply("502 Not implemented.")


if __name__ == "__main__":
    main()
