#!/usr/bin/env python3
"""A pyftpdlib server for Ferry's tests, on 127.0.0.1 only, with optional faults.

Prints "PORT <n>" on its first line once it listens (it binds port 0, so ports never collide),
then serves until it is killed or its parent goes away.
"""
import argparse
import os
import sys
import threading

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import DTPHandler, FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--user", default="tester")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--masquerade", help="address to name in PASV replies (e.g. an unreachable 127.0.0.9)")
    parser.add_argument("--refuse", action="append", default=[],
                        help="verbs to answer with 502 (EPSV, PASV, EPRT, PORT, ...)")
    parser.add_argument("--cut-retr", type=int, help="abort RETR after this many bytes (426)")
    parser.add_argument("--cut-stor", type=int, help="abort STOR after this many bytes (426)")
    parser.add_argument("--demo", action="store_true", help="anonymous may write in incoming/ (make demo)")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input closes (tests)")
    args = parser.parse_args()

    authorizer = DummyAuthorizer()
    authorizer.add_user(args.user, args.password, args.root, perm="elradfmwMT")
    authorizer.add_anonymous(args.root)
    if args.demo:
        authorizer.override_perm("anonymous", os.path.join(args.root, "incoming"), "elradfmw", recursive=True)

    class FaultyDTP(DTPHandler):
        def send(self, data):
            if args.cut_retr is not None and self.tot_bytes_sent >= args.cut_retr:
                raise RuntimeError("fault injected: RETR cut")
            if args.cut_retr is not None:
                data = data[: max(0, args.cut_retr - self.tot_bytes_sent)] or data[:1]
            return super().send(data)

        def handle_read(self):
            if args.cut_stor is not None and self.tot_bytes_received >= args.cut_stor:
                self._resp = ("426 Fault injected: upload cut; transfer aborted.", lambda *a: None)
                self.close()
                return
            super().handle_read()

        handle_read_event = handle_read  # the base class binds this name to its own handle_read

    class Handler(FTPHandler):
        pass

    for verb in args.refuse:
        def refused(self, line, verb=verb):
            self.respond(f"502 {verb} disabled by the test.")
        setattr(Handler, "ftp_" + verb.upper(), refused)

    Handler.authorizer = authorizer
    if args.cut_retr is not None:
        Handler.use_sendfile = False  # sendfile would bypass send()
    Handler.dtp_handler = FaultyDTP
    Handler.banner = "ferry test server ready."
    if args.masquerade:
        Handler.masquerade_address = args.masquerade

    server = FTPServer((args.host, 0), Handler)
    port = server.socket.getsockname()[1]
    print(f"PORT {port}", flush=True)

    def watch_parent():
        # Stop when the test process that started us is gone (stdin closes).
        sys.stdin.read()
        os._exit(0)

    if args.watch_stdin:
        threading.Thread(target=watch_parent, daemon=True).start()
    server.serve_forever(handle_exit=False)


if __name__ == "__main__":
    main()
