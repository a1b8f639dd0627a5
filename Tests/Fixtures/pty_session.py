#!/usr/bin/env python3
"""Runs a program on a pseudo-terminal, as a person at a terminal would, for Ferry's interactive tests.

usage: pty_session.py TIMEOUT PROGRAM [ARGS...]
(standard input: lines "expect TEXT", "send TEXT", "type TEXT" (no Enter; "\\t" is TAB, "\\e" ESC), "interrupt" for Ctrl-C,
"sleep SECONDS", "size PATH", "columns N" (resize the terminal))
Each "expect" waits (up to TIMEOUT seconds) until TEXT has appeared on the terminal since the last match;
"send" types TEXT and Enter; "size" notes the size of a file (relative to the current folder) at that moment.
Prints everything the terminal showed, then one line "[pty_session] size PATH N" (or "missing") per "size";
exits 1 if an expectation failed.
"""
import os
import pty
import select
import signal
import sys
import time


def main():
    timeout = float(sys.argv[1])
    steps = [line.rstrip("\n").split(" ", 1) for line in sys.stdin if line.strip()]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvp(sys.argv[2], sys.argv[2:])
    seen = b""
    position = 0
    failed = None
    sizes = []

    def pump(until):
        nonlocal seen
        while time.time() < until:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                seen += data
            else:
                return True
        return True

    for step in steps:
        verb, text = step[0], step[1] if len(step) > 1 else ""
        if verb == "send":
            os.write(fd, text.encode() + b"\r")
            pump(time.time() + 0.2)
        elif verb == "type":
            os.write(fd, text.replace("\\t", "\t").replace("\\e", "\x1b").encode())
            pump(time.time() + 0.3)
        elif verb == "columns":
            import fcntl, struct, termios
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, int(text), 0, 0))
            os.kill(pid, signal.SIGWINCH)
            pump(time.time() + 0.1)
        elif verb == "interrupt":
            os.write(fd, b"\x03")
            pump(time.time() + 0.2)
        elif verb == "sleep":
            pump(time.time() + float(text))
        elif verb == "size":
            try:
                sizes.append(f"[pty_session] size {text} {os.stat(text).st_size}\n")
            except FileNotFoundError:
                sizes.append(f"[pty_session] size {text} missing\n")
        elif verb == "expect":
            deadline = time.time() + timeout
            target = text.encode()
            while seen.find(target, position) < 0 and time.time() < deadline:
                if not pump(time.time() + 0.1):
                    break
            found = seen.find(target, position)
            if found < 0:
                failed = text
                break
            position = found + len(target)
    pump(time.time() + 0.5)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    sys.stdout.write(seen.decode("utf-8", "replace"))
    if sizes:
        sys.stdout.write("\n" + "".join(sizes))
    if failed is not None:
        sys.stdout.write(f"\n[pty_session] never saw: {failed!r}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
