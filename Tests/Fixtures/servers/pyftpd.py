#!/usr/bin/env python3
"""A pyftpdlib server for Ferry's tests, on 127.0.0.1 only, with optional faults.

Prints "PORT <n>" on its first line once it listens (it binds port 0, so ports never collide),
then serves until it is killed or its parent goes away.
"""
import argparse
import hashlib
import itertools
import re
import socket
import zlib
import os
import sys
import threading
import time

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.filesystems import AbstractedFS
from pyftpdlib.handlers import DTPHandler, FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer


BLACK_HOLES = []


def black_hole_port():
    """A port whose SYNs go unanswered: a listener with backlog 0, already full, that never accepts."""
    if not BLACK_HOLES:
        hole = socket.socket()
        hole.bind(("127.0.0.1", 0))
        hole.listen(0)
        BLACK_HOLES.append(hole)
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(hole.getsockname())
            except BlockingIOError:
                pass
            BLACK_HOLES.append(filler)
        time.sleep(0.1)
    return BLACK_HOLES[0].getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--user", default="tester")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="the port to listen on (0: any free one)")
    parser.add_argument("--masquerade", help="address to name in PASV replies (e.g. an unreachable 127.0.0.9)")
    parser.add_argument("--refuse", action="append", default=[],
                        help="verbs to answer with 502 (EPSV, PASV, EPRT, PORT, ...)")
    parser.add_argument("--cut-retr", type=int, help="abort RETR after this many bytes (426)")
    parser.add_argument("--cut-stor", type=int, help="abort STOR after this many bytes (426)")
    parser.add_argument("--hash", action="store_true", help="offer HASH (with RANG), XSHA256 and XCRC")
    parser.add_argument("--epsv-black-hole", action="store_true", help="answer EPSV with a port nobody listens on")
    parser.add_argument("--drop-control-after-retr", type=int,
                        help="close the control connection after sending this many RETR bytes (no reply)")
    parser.add_argument("--reply-421-on", help="answer this verb with 421 and hang up")
    parser.add_argument("--stall-retr", type=int, help="stop sending RETR data after this many bytes, connection left open")
    parser.add_argument("--corrupt-retr", action="store_true", help="flip one byte of every RETR (size unchanged)")
    parser.add_argument("--mdtm-reply", help="answer MDTM with this reply line (e.g. '213 00010101000000')")
    parser.add_argument("--size-reply", help="answer SIZE with this reply line (a SIZE that lies)")
    parser.add_argument("--endless-preliminary", help="answer this verb with 150 lines forever")
    parser.add_argument("--late-reply", help="VERB:SECONDS: answer this verb only after that many seconds")
    parser.add_argument("--silent-greeting", action="store_true", help="accept connections but never greet")
    parser.add_argument("--extra-list-line", action="append", default=[], help="a raw line added to every LIST")
    parser.add_argument("--extra-mlsd-line", action="append", default=[], help="a raw line added to every MLSD")
    parser.add_argument("--rate-limit", type=int, default=0, help="bytes per second per data connection (RETR)")
    parser.add_argument("--mlsd-size", type=int, help="every MLSD line says this size (a listing that lies)")
    parser.add_argument("--mute-after-sessions", type=int,
                        help="sessions after this many never answer FEAT (a server that hangs extra logins)")
    parser.add_argument("--transfer-log", help="append 'RETR path' / 'STOR path' to this file for every finished transfer")
    parser.add_argument("--list-only", action="store_true", help="no MLST, MLSD or MFMT: LIST only, as vsftpd")
    parser.add_argument("--list-utc-offset-hours", type=int,
                        help="LIST shows times on a clock this many hours east of UTC (MDTM stays UTC)")
    parser.add_argument("--synthetic-entries", type=int, default=0,
                        help="add this many made-up files to every listing of the top folder (memory tests)")
    parser.add_argument("--no-unique", action="store_true",
                        help="MLSD without the unique fact (a server whose links look like folders, loops unseen)")
    parser.add_argument("--cut-listings", type=int,
                        help="LIST and MLSD send at most this many entries and say so in their 226 (as pure-ftpd's -L)")
    parser.add_argument("--cut-wording", default="pure-ftpd", choices=["pure-ftpd", "other"],
                        help="how the 226 of a cut listing says it: pure-ftpd's words, or another server's")
    parser.add_argument("--drop-control-on-stor", type=int, default=0,
                        help="the first this many STORs hang up the control connection before the file is opened")
    parser.add_argument("--drop-control-during-stor", type=int,
                        help="hang up the control connection once this many bytes of the first STOR arrived")
    parser.add_argument("--stor-elsewhere", action="store_true",
                        help="STOR writes to .pureftpd-upload.NAME and renames it over NAME only when complete (pure-ftpd -0)")
    parser.add_argument("--refuse-dot-stor", action="store_true", help="answer STOR of a name starting with '.' with 553")
    parser.add_argument("--refuse-rename", action="store_true", help="answer RNFR with 550 (no renaming here)")
    parser.add_argument("--demo", action="store_true", help="anonymous may write in incoming/ (make demo)")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input closes (tests)")
    args = parser.parse_args()
    if args.list_utc_offset_hours is not None:
        hours = args.list_utc_offset_hours
        os.environ["TZ"] = f"<{'+' if hours >= 0 else '-'}{abs(hours):02d}>{-hours}"
        time.tzset()

    authorizer = DummyAuthorizer()
    authorizer.add_user(args.user, args.password, args.root, perm="elradfmwMT")
    authorizer.add_anonymous(args.root)
    if args.demo:
        authorizer.override_perm("anonymous", os.path.join(args.root, "incoming"), "elradfmw", recursive=True)

    class FaultyDTP(ThrottledDTPHandler):
        write_limit = args.rate_limit

        def send(self, data):
            if args.stall_retr is not None and self.tot_bytes_sent >= args.stall_retr:
                time.sleep(0.05)
                return 0
            if args.stall_retr is not None:
                data = data[: max(1, args.stall_retr - self.tot_bytes_sent)]
            if args.corrupt_retr and self.tot_bytes_sent == 0 and data:
                data = bytes([data[0] ^ 0xFF]) + bytes(data[1:])
            if args.drop_control_after_retr is not None and self.tot_bytes_sent >= args.drop_control_after_retr:
                # Both connections vanish without a reply, like a NAT box that forgot them.
                self.cmd_channel.socket.close()
                raise RuntimeError("fault injected: control connection dropped")
            if args.drop_control_after_retr is not None:
                data = data[: max(1, args.drop_control_after_retr - self.tot_bytes_sent)]
            if args.cut_retr is not None and self.tot_bytes_sent >= args.cut_retr:
                raise RuntimeError("fault injected: RETR cut")
            if args.cut_retr is not None:
                data = data[: max(0, args.cut_retr - self.tot_bytes_sent)] or data[:1]
            return super().send(data)

        def close(self):
            # A listing cut short ends with the words a capped server uses, still as 226.
            if self._resp and self._resp[0].startswith("226") and getattr(self.cmd_channel, "listing_cut", None):
                verb = self.cmd_channel.listing_cut
                self.cmd_channel.listing_cut = None
                if args.cut_wording == "other":
                    self._resp = ("226-Listing truncated: too many files in this directory\r\n226 Transfer complete.", self._resp[1])
                elif verb == "LIST":
                    self._resp = (f"226-Options: -l \r\n226 Output truncated to {args.cut_listings} matches", self._resp[1])
                else:
                    self._resp = (f"226 Output truncated to {args.cut_listings} matches", self._resp[1])
            return super().close()

        def handle_read(self):
            if args.drop_control_during_stor is not None and self.tot_bytes_received >= args.drop_control_during_stor \
                    and not getattr(Handler, "stor_dropped", False):
                Handler.stor_dropped = True
                # Both connections vanish without a reply after the server wrote part of the file.
                self._resp = None
                self.cmd_channel.close()
                return
            if args.cut_stor is not None and self.tot_bytes_received >= args.cut_stor:
                self._resp = ("426 Fault injected: upload cut; transfer aborted.", lambda *a: None)
                self.close()
                return
            super().handle_read()

        handle_read_event = handle_read  # the base class binds this name to its own handle_read

    class HostileFS(AbstractedFS):
        """Adds raw lines to every LIST and MLSD listing (MLST of one file is left alone)."""
        def format_list_whole(self, basedir, listing, ignore_err=True):
            channel = self.cmd_channel
            saved = channel.use_gmt_times
            channel.use_gmt_times = args.list_utc_offset_hours is None and saved
            try:
                yield from super().format_list(basedir, listing, ignore_err)
            finally:
                channel.use_gmt_times = saved
            if args.synthetic_entries and os.path.realpath(basedir) == os.path.realpath(self.root):
                for index in range(args.synthetic_entries):
                    yield b"-rw-r--r--   1 owner    group        %8d Jan 01  2020 synthetic file %07d.dat\r\n" % (1000 + index, index)
            for line in args.extra_list_line:
                yield (line + "\r\n").encode("utf-8", "surrogateescape")

        def format_list(self, basedir, listing, ignore_err=True):
            return self.cut(self.format_list_whole(basedir, listing, ignore_err), "LIST")

        def cut(self, lines, verb):
            """At most --cut-listings lines; the handler is told when more were left out."""
            if args.cut_listings is None:
                return lines
            def limited():
                for index, line in enumerate(lines):
                    if index >= args.cut_listings:
                        self.cmd_channel.listing_cut = verb
                        return
                    yield line
            return limited()

        mlsd_now = False

        def open(self, filename, mode):
            if args.stor_elsewhere and mode.startswith("w"):
                head, tail = os.path.split(filename)
                return super().open(os.path.join(head, ".pureftpd-upload." + tail), mode)
            return super().open(filename, mode)

        def format_mlsx(self, basedir, listing, perms, facts, ignore_err=True):
            lines = super().format_mlsx(basedir, listing, perms, facts, ignore_err)
            if args.mlsd_size is not None and self.mlsd_now:
                lines = (re.sub(rb"size=\d+;", b"size=%d;" % args.mlsd_size, line) for line in lines)
            if args.no_unique:
                lines = (re.sub(rb"unique=[^;]*;", b"", line) for line in lines)
            if not self.mlsd_now:
                return lines
            extra = [(line + "\r\n").encode("utf-8", "surrogateescape") for line in args.extra_mlsd_line]
            if args.synthetic_entries and os.path.realpath(basedir) == os.path.realpath(self.root):
                made_up = (b"type=file;size=%d;modify=20200101000000;perm=r;unique=%xs; synthetic file %07d.dat\r\n"
                           % (1000 + index, index, index) for index in range(args.synthetic_entries))
                return self.cut(itertools.chain(lines, extra, made_up), "MLSD")
            return self.cut(itertools.chain(lines, extra), "MLSD")

    class Handler(FTPHandler):
        hash_algorithm = "SHA-256"
        hash_range = None

        sessions = itertools.count(1)

        def handle(self):
            self.session_number = next(Handler.sessions)
            if args.silent_greeting:
                return
            return super().handle()

        def ftp_MLSD(self, path):
            self._log_transfer("MLSD", path, session=True)
            self.fs.mlsd_now = True
            try:
                return super().ftp_MLSD(path)
            finally:
                self.fs.mlsd_now = False

        def ftp_MDTM(self, path):
            if args.mdtm_reply:
                self.respond(args.mdtm_reply)
                return
            return super().ftp_MDTM(path)

        def ftp_SIZE(self, path):
            if args.size_reply:
                self.respond(args.size_reply)
                return
            return super().ftp_SIZE(path)

        def _digest(self, path, start, end, algorithm):
            with open(path, "rb") as f:
                f.seek(start)
                data = f.read(None if end is None else max(0, end - start))
            if algorithm == "CRC32":
                return "%08x" % (zlib.crc32(data) & 0xFFFFFFFF)
            return hashlib.sha256(data).hexdigest()

        def _hash_args(self, line):
            # XSHA256 "name with spaces" [start [end]]  (end exclusive)
            if line.startswith('"'):
                name, _, rest = line[1:].partition('"')
            else:
                name, _, rest = line.partition(" ")
            numbers = [int(x) for x in rest.split()]
            start = numbers[0] if numbers else 0
            end = numbers[1] if len(numbers) > 1 else None
            return self.fs.ftp2fs(name), start, end

        def ftp_XSHA256(self, line):
            path, start, end = self._hash_args(line)
            self.respond("250 " + self._digest(path, start, end, "SHA-256"))

        def ftp_XCRC(self, line):
            path, start, end = self._hash_args(line)
            self.respond("250 " + self._digest(path, start, end, "CRC32").upper())

        def ftp_RANG(self, line):
            start, end = (int(x) for x in line.split())
            self.hash_range = (start, end)
            self.respond(f"350 Restarting at {start}. Ending byte at {end}")

        def ftp_HASH(self, path):
            start, end = self.hash_range or (0, None)
            self.hash_range = None
            size = os.path.getsize(path)
            last = size - 1 if end is None else end
            digest = self._digest(path, start, last + 1, self.hash_algorithm)
            self.respond(f"213 {self.hash_algorithm} {start}-{last} {digest} {self.fs.fs2ftp(path)}")

        def ftp_OPTS(self, line):
            if line.upper().startswith("HASH "):
                algorithm = line[5:].strip().upper()
                if algorithm in ("SHA-256", "CRC32"):
                    self.hash_algorithm = algorithm
                    self.respond("200 " + algorithm)
                else:
                    self.respond("501 Unknown algorithm")
                return
            return super().ftp_OPTS(line)

        def on_file_sent(self, file):
            self._log_transfer("RETR", file)

        def on_file_received(self, file):
            head, tail = os.path.split(file)
            if args.stor_elsewhere and tail.startswith(".pureftpd-upload."):
                file = os.path.join(head, tail[len(".pureftpd-upload."):])
                os.replace(os.path.join(head, tail), file)
            self._log_transfer("STOR", file)

        def _log_transfer(self, verb, file, session=False):
            if args.transfer_log:
                with open(args.transfer_log, "a", encoding="utf-8", errors="surrogateescape") as log:
                    suffix = f" session {self.session_number}" if session else ""
                    log.write(f"{verb} {self.fs.fs2ftp(file)}{suffix}\n")

        def ftp_FEAT(self, line):
            if args.mute_after_sessions is not None and self.session_number > args.mute_after_sessions:
                return
            if args.list_only:
                lines = ["211-Features supported:", " EPRT", " EPSV", " MDTM", " REST STREAM", " SIZE", " UTF8", "211 End FEAT."]
                self.push("\r\n".join(lines) + "\r\n")
                return
            if not args.hash:
                return super().ftp_FEAT(line)
            lines = ["211-Features supported:", " EPRT", " EPSV", " MDTM", " REST STREAM", " SIZE", " UTF8",
                     " HASH SHA-256*;CRC32", " RANG STREAM", " XCRC", " XSHA256", "211 End FEAT."]
            self.push("\r\n".join(lines) + "\r\n")

        def ftp_EPSV(self, line):
            if args.epsv_black_hole:
                self.respond(f"229 Entering extended passive mode (|||{black_hole_port()}|).")
                return
            return super().ftp_EPSV(line)

        stor_drops = 0

        def pre_process_command(self, line, cmd, arg):
            if args.refuse_dot_stor and cmd == "STOR" and os.path.basename(arg or "").startswith("."):
                self.respond("553 Dot files are not allowed here (test).")
                return
            if args.refuse_rename and cmd == "RNFR":
                self.respond("550 Renaming is not allowed here (test).")
                return
            if cmd == "STOR" and Handler.stor_drops < args.drop_control_on_stor:
                # Lost before the server acted on it: the file on the server is untouched.
                Handler.stor_drops += 1
                self.close()
                return
            if args.endless_preliminary and cmd == args.endless_preliminary.upper():
                self.ioloop.call_every(0.05, lambda: self.push("150 Still working on it.\r\n"))
                return
            if args.late_reply:
                verb, seconds = args.late_reply.split(":")
                if cmd == verb.upper():
                    late = lambda: FTPHandler.pre_process_command(self, line, cmd, arg)
                    self.ioloop.call_later(float(seconds), late)
                    return
            if args.reply_421_on and cmd == args.reply_421_on.upper():
                self.respond("421 Service not available, closing control connection (fault injected).")
                self.close_when_done()
                return
            return super().pre_process_command(line, cmd, arg)

    if not args.hash:
        for name in ("ftp_XSHA256", "ftp_XCRC", "ftp_RANG", "ftp_HASH"):
            delattr(Handler, name)
    else:
        Handler.proto_cmds = dict(Handler.proto_cmds)
        for verb, perm, needs_arg in (("XSHA256", None, True), ("XCRC", None, True), ("RANG", None, True), ("HASH", "r", True)):
            Handler.proto_cmds[verb] = dict(perm=perm, auth=True, arg=needs_arg, help=f"Syntax: {verb}")

    if args.list_only:
        args.refuse += ["MLSD", "MLST", "MFMT"]
    for verb in args.refuse:
        def refused(self, line, verb=verb):
            self.respond(f"502 {verb} disabled by the test.")
        setattr(Handler, "ftp_" + verb.upper(), refused)

    Handler.authorizer = authorizer
    Handler.abstracted_fs = HostileFS
    if args.cut_retr is not None or args.drop_control_after_retr is not None or args.stall_retr is not None \
            or args.corrupt_retr or args.rate_limit:
        Handler.use_sendfile = False  # sendfile would bypass send()
    Handler.dtp_handler = FaultyDTP
    Handler.banner = "ferry test server ready."
    if args.masquerade:
        Handler.masquerade_address = args.masquerade

    server = FTPServer((args.host, args.port), Handler)
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
