#!/usr/bin/env python3
"""make bench: Ferry beside curl, lftp, tnftp and aria2c, all against vsftpd on 127.0.0.1.

usage (as root): scripts/bench.py [SIZE-MiB] [ROUNDS]        (defaults 1024 and 3)

Starts two vsftpd servers of its own on free loopback ports (one plain, one capping each connection at
local_max_rate=25000000 bytes/s for pget), logged into as a local user 'ferrybench' made for this run (random
password, no login shell, PAM service /etc/pam.d/ferry-bench). User, PAM file, servers and temp folders are
removed at the end, whatever happens (Ctrl-C included).

Clients run interleaved, one run each per round, and the order rotates every round (page-cache writeback
otherwise lands on whoever runs first); `sync` before every run, and the small files a run made are moved aside
rather than deleted (see TRASH). Every result is checked (sha256 of each file;
for /dev/null the byte count vsftpd logged). A client that fails or times out is a failed run, not the end of
the bench. Medians are reported, with Ferry's speed-up over the best peer (best peer wall / Ferry wall: >1 means
Ferry is faster), CPU seconds (user+sys of the client, from wait4) per GiB, the client's peak RSS (GNU time) and
the CPU vsftpd spent serving the run. The tables go to standard output and, as Markdown, to Docs/Benchmarks.md.

Environment:
  FERRY=path            the ferry binary (default .build/release/ferry)
  BENCH_ONLY=a,b        only these scenarios: get-file get-null put mget mput mget-P8 mput-P8 pget mirror-P8
                        mirror-again startup
  BENCH_DOC=path        where the Markdown goes (default Docs/Benchmarks.md; '-' for nowhere)
  BENCH_TMP=dir         where the temp folder goes (default /tmp); needs about 2.5 x SIZE free
  BENCH_TIMEOUT=sec     timeout of every client run (default 120 s + 1 s per 5 MB moved)
  STARTUP_RUNS=N        start-up runs per client and round (default 20)
  BENCH_NO_HYPERFINE=1  time start-up with a loop in Python even when hyperfine is installed
  FERRY_BASELINE=path   a second ferry binary (the build before a change) run beside FERRY in every Ferry row,
                        labelled "(baseline)" and counted as a peer: a change's cost shows as a ratio below 1
  BENCH_PEERS=0         leave curl, lftp, tnftp and aria2c out (with FERRY_BASELINE: an A/B of two builds)
"""

import datetime
import hashlib
import json
import os
import platform
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
USER = "ferrybench"
PAM_SERVICE = "ferry-bench"
PAM_PATH = Path("/etc/pam.d") / PAM_SERVICE
PAM_TEXT = "auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\n"
NOLOGIN = "/usr/sbin/nologin"
VSFTPD = "/usr/sbin/vsftpd"
HOST = "127.0.0.1"
MiB = 1 << 20
GiB = 1 << 30
MANY = 1000                      # files of the mget/mput scenarios ...
MANY_SIZE = 4096                 # ... of 4 KiB each
MANY_NAMES = [f"f{i:03d}.bin" for i in range(MANY)]
MANY_GLOB = "f[000-999].bin"     # curl's URL globbing over the same names
SMALL_NAMES = ["alpha.txt", "beta.txt", "gamma.txt", "delta.txt", "epsilon.txt"]
RATE_CAP = 25_000_000            # vsftpd local_max_rate of the pget server, bytes/s per connection
PARALLEL = 8
SEGMENTS = 4
TREE_FOLDERS = 10                # the mirror scenarios: MANY files in TREE_FOLDERS folders of tree/
SCENARIOS = ["get-file", "get-null", "put", "mget", "mput", "mget-P8", "mput-P8", "pget", "mirror-P8", "mirror-again",
             "startup"]


def log(message=""):
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Running one client: wall time, CPU from wait4, peak RSS from GNU time, a timeout that kills its process group.

@dataclass
class Outcome:
    status: int | None        # exit status, None when killed by the timeout
    wall: float
    cpu: float                # user + sys seconds of the client (and children it waited for)
    rss_kib: int              # peak resident set, KiB
    stderr: str
    timed_out: bool = False


TIME = "/usr/bin/time"


def run_process(argv, *, cwd, env, timeout, stdin_path=None, stdout_path=None, rss_path=None):
    """Runs argv; with rss_path, under GNU time, which writes the client's peak RSS there.

    The peak RSS that wait4 reports for our own child is useless: the kernel keeps the high-water mark across
    execve, so it includes the Python interpreter the child was forked from (30 MiB). GNU time forks the client
    from a 2 MiB process and reports that child alone. CPU comes from wait4 (time's own share is < 1 ms)."""
    if rss_path:
        Path(rss_path).unlink(missing_ok=True)
        argv = [TIME, "-f", "%M", "-o", str(rss_path), *argv]
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    errors = tempfile.TemporaryFile()
    timed_out = threading.Event()
    try:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=errors,
                                   start_new_session=True, close_fds=True)

        def expire():
            timed_out.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, expire)
        timer.start()
        # Wait without reaping, so that the timer can never signal a recycled process id; then reap with wait4.
        try:
            os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        except BaseException:       # Ctrl-C or SIGTERM: the client (in a session of its own) goes too
            timer.cancel()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(process.pid, 0)
            process.returncode = -9
            raise
        wall = time.perf_counter() - start
        timer.cancel()
        timer.join()
        if timed_out.is_set():
            try:    # the client is gone but its children (lftp's, a shell's) may not be
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode("utf-8", "replace")
        rss = 0
        if rss_path:
            try:    # the last line; GNU time puts "Command exited with non-zero status N" before it
                rss = int(Path(rss_path).read_text().split()[-1])
            except (OSError, ValueError, IndexError):
                rss = 0
        return Outcome(None if timed_out.is_set() else process.returncode, wall, usage.ru_utime + usage.ru_stime,
                       rss, text, timed_out.is_set())
    finally:
        for handle in (stdin, stdout):
            if hasattr(handle, "close"):
                handle.close()
        errors.close()


# ---------------------------------------------------------------------------------------------------------------
# vsftpd: a config of our own in a temp folder, listen_port=0 and the port read from /proc.

def socket_inodes(pid):
    inodes = set()
    folder = f"/proc/{pid}/fd"
    try:
        names = os.listdir(folder)
    except OSError:
        return inodes
    for name in names:
        try:
            target = os.readlink(f"{folder}/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def listening_port(pid):
    inodes = socket_inodes(pid)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:
                return int(fields[1].rsplit(":", 1)[1], 16)
    return None


def children_of(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return path.read_text().split()
    except OSError:
        pass
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if stat[stat.rindex(")") + 2:].split()[1] == str(pid):
                found.append(entry.name)
    return found


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """vsftpd's session processes often outlive their parent and would go to init, taking the CPU they spent
    moving data with them. As a subreaper this process inherits them instead, and their CPU is read when they are
    reaped (Orphans.reap)."""
    import ctypes
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def process_state(pid):
    """(state letter, command name) of a process, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2], stat[stat.index("(") + 1:stat.rindex(")")]


class Orphans:
    """Processes re-parented to us (we are a subreaper); the CPU of the vsftpd ones is added up as they are reaped."""

    def __init__(self):
        self.vsftpd_cpu = 0.0
        self.keep = set()           # our own direct children that others wait for (the vsftpd listeners)

    def children(self):
        pids = []
        for task in os.listdir(f"/proc/{os.getpid()}/task"):
            try:
                pids += Path(f"/proc/{os.getpid()}/task/{task}/children").read_text().split()
            except OSError:
                pass
        return [int(pid) for pid in pids if int(pid) not in self.keep]

    def reap(self):
        """Reaps the orphans that have exited; returns how many are still running."""
        running = 0
        for pid in self.children():
            state = process_state(pid)
            if state is None:
                continue
            if state[0] != "Z":
                running += 1
                continue
            try:
                reaped, _, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if reaped == pid and state[1] == "vsftpd":
                self.vsftpd_cpu += usage.ru_utime + usage.ru_stime
        return running


ORPHANS = Orphans()


class Vsftpd:
    def __init__(self, name, base, root, extra=()):
        self.name = name
        self.state = base / f"{name}-state"
        self.state.mkdir(mode=0o700)
        empty = self.state / "empty"
        empty.mkdir(mode=0o755)
        self.log_path = self.state / "vsftpd.log"
        config = [
            "listen=YES", "listen_ipv6=NO", f"listen_address={HOST}", "listen_port=0", "background=NO",
            "anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022", "check_shell=NO",
            f"pam_service_name={PAM_SERVICE}", f"secure_chroot_dir={empty}", "seccomp_sandbox=NO", "isolate=NO",
            "isolate_network=NO", f"local_root={root}", "userlist_enable=NO", "xferlog_enable=YES",
            f"vsftpd_log_file={self.log_path}", "connect_from_port_20=NO", "use_localtime=NO", "pasv_enable=YES",
            "port_enable=YES", "max_per_ip=0", "max_clients=0", "idle_session_timeout=300",
            "data_connection_timeout=120",
        ] + list(extra)
        conf = self.state / "vsftpd.conf"
        conf.write_text("\n".join(config) + "\n")
        conf.chmod(0o600)
        self.process = subprocess.Popen([VSFTPD, str(conf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        ORPHANS.keep.add(self.process.pid)
        self.port = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.process.poll() is None:
            self.port = listening_port(self.process.pid)
            if self.port:
                break
            time.sleep(0.02)
        if not self.port:
            self.stop()
            raise RuntimeError(f"vsftpd ({name}) did not start listening; see {self.log_path}")
        self.wait_greeting()
        self.wait_idle()

    def wait_greeting(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=5) as connection:
                    data = b""
                    while b"\n" not in data:
                        chunk = connection.recv(512)
                        if not chunk:
                            break
                        data += chunk
                    if data.startswith(b"220"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"vsftpd ({self.name}) on {HOST}:{self.port} did not greet; see {self.log_path}")

    def wait_idle(self, timeout=10.0):
        """Waits until every session process has ended and been reaped, by the listener or by us."""
        deadline = time.monotonic() + timeout
        while True:
            running = ORPHANS.reap()
            if (not running and not children_of(self.process.pid)) or time.monotonic() > deadline:
                return
            time.sleep(0.005)

    def cpu_seconds(self):
        """CPU of the listener, of the sessions it reaped and of those orphaned to us (call after wait_idle)."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat[stat.rindex(")") + 2:].split()
        return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK") + ORPHANS.vsftpd_cpu

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def downloads_since(self, offset):
        """(path, bytes) of every 'OK DOWNLOAD' logged after offset."""
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            return []
        return [(m.group(1), int(m.group(2)))
                for m in re.finditer(r'OK DOWNLOAD: Client "[^"]*", "([^"]*)", (\d+) bytes', text)]

    def stop(self):
        """Stops the listener and every session it forked (sessions are session leaders of their own, so a
        process-group kill would miss them: they are found as the listener's descendants)."""
        if self.process.poll() is None:
            descendants, queue = [], [str(self.process.pid)]
            while queue:
                children = children_of(queue.pop())
                descendants += children
                queue += children
            for pid in [self.process.pid] + [int(pid) for pid in descendants]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.wait(timeout=10)
        ORPHANS.keep.discard(self.process.pid)
        ORPHANS.reap()


# ---------------------------------------------------------------------------------------------------------------
# Files and checks.

def write_random(path, size, chunk=MiB):
    digest = hashlib.sha256()
    with open(path, "wb") as handle:
        left = size
        while left > 0:
            data = os.urandom(min(chunk, left))
            digest.update(data)
            handle.write(data)
            left -= len(data)
    return digest.hexdigest()


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            data = handle.read(4 * MiB)
            if not data:
                break
            digest.update(data)
    return digest.hexdigest()


class CheckFailed(Exception):
    pass


def check_file(path, want, alone=False):
    """The file has the right sha256; with alone, nothing else is left beside it (no .part, no state file)."""
    if not path.is_file():
        raise CheckFailed(f"{path.name} missing")
    if alone:
        others = sorted(set(os.listdir(path.parent)) - {path.name})
        if others:
            raise CheckFailed(f"left beside {path.name}: {', '.join(others[:3])}")
    if sha256_of(path) != want:
        raise CheckFailed(f"{path.name}: wrong sha256 ({path.stat().st_size} bytes)")


def check_nested(folder, manifest):
    """Every file of manifest (paths relative to folder) with its sha256, and nothing else."""
    if not folder.is_dir():
        raise CheckFailed(f"{folder.name}/ missing")
    found = {str(path.relative_to(folder)) for path in folder.rglob("*") if not path.is_dir()}
    missing = sorted(set(manifest) - found)
    extra = sorted(found - set(manifest))
    if missing:
        raise CheckFailed(f"{len(missing)} of {len(manifest)} files missing (first {missing[0]})")
    if extra:
        raise CheckFailed(f"{len(extra)} unexpected files (first {extra[0]})")
    for name, want in manifest.items():
        if sha256_of(folder / name) != want:
            raise CheckFailed(f"{name}: wrong sha256")


check_tree = check_nested      # a flat folder is a tree of one level


# Small files a run made are moved into this folder instead of deleted, and go with the rest at the end. ext4
# without a journal (this machine's) will not reuse an inode freed in the last minute (six when its block is still
# dirty): every file created after a deletion of 1,000 scanned past all of them, a cost that grew run after run and
# fell on every client alike (it was 70% of Ferry's CPU in mget -P 8).
TRASH = []


def fresh_dir(path, owner=None):
    if path.exists():
        for big in [p for p in path.rglob("*") if p.is_file() and not p.is_symlink() and p.stat().st_size >= MiB]:
            big.unlink()
        if TRASH and any(path.iterdir()):
            path.rename(TRASH[0] / f"{len(list(TRASH[0].iterdir()))}")
        else:
            shutil.rmtree(path)
    path.mkdir(mode=0o755)
    if owner:
        os.chown(path, owner.pw_uid, owner.pw_gid)


# ---------------------------------------------------------------------------------------------------------------
# The local user and its PAM service.

def command(argv, stdin=None):
    try:
        return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, 124, "", f"{argv[0]} timed out")


def create_user(password):
    existed = command(["getent", "passwd", USER]).returncode == 0
    if existed:
        log(f"note: user {USER} was left from an earlier run; it is reused and removed at the end")
        command(["usermod", "-s", NOLOGIN, USER])
    else:
        made = command(["useradd", "-M", "-d", "/tmp", "-s", NOLOGIN, USER])
        if made.returncode != 0:
            raise RuntimeError(f"cannot create user {USER}: {made.stderr.strip()}")
    # SHA-512 with few rounds, not PAM's default yescrypt (~45 ms a login here, which would swamp the start-up
    # times); the password is random and the account lives only for this run, on loopback.
    done = command(["chpasswd", "-c", "SHA512", "-s", "1000"], stdin=f"{USER}:{password}\n")
    if done.returncode != 0:
        raise RuntimeError(f"cannot set the password of {USER}: {done.stderr.strip()}")
    PAM_PATH.write_text(PAM_TEXT)
    return pwd.getpwnam(USER)


def remove_user():
    problems = []
    if command(["getent", "passwd", USER]).returncode == 0:
        for _ in range(20):
            gone = command(["userdel", USER])
            if gone.returncode == 0:
                break
            time.sleep(0.25)     # a session process of the user may still be exiting
        else:
            problems.append(f"could not remove user {USER}: {gone.stderr.strip()}")
    try:
        PAM_PATH.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        problems.append(f"could not remove {PAM_PATH}: {error}")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Scenarios: who runs what, where, and how the result is checked.

@dataclass
class Client:
    label: str
    argv: list
    cwd: Path
    check: object                    # callable(client, server offsets) -> None or raises CheckFailed
    stdin: str | None = None
    ferry: bool = False
    primary: bool = False            # the Ferry row the ratio is about (pget has two Ferry rows)
    shown: str = ""                  # the command as the report shows it (no password, no temp paths)
    baseline: bool = False           # FERRY_BASELINE's build: a peer in the ratios, run like Ferry


@dataclass
class Run:
    ok: bool
    wall: float = 0.0
    cpu: float = 0.0
    rss_kib: int = 0
    server_cpu: float | None = None
    error: str = ""
    round: int = 0


@dataclass
class Scenario:
    key: str
    title: str
    server: object
    clients: list
    moved: int                       # bytes per run, for MB/s and CPU per GiB
    per_gib: bool
    reset: object = None             # callable() before each run (server-side folders)
    runs: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


class Bench:
    def __init__(self, size_mib, rounds):
        self.size_mib = size_mib
        self.rounds = rounds
        self.size = size_mib * MiB
        self.pget_mib = min(256, max(1, size_mib // 4))
        self.pget_size = self.pget_mib * MiB
        self.ferry = os.path.abspath(os.environ.get("FERRY", str(REPO / ".build/release/ferry")))
        self.password = secrets.token_hex(16)
        self.servers = []
        self.base = None
        self.user = None
        self.user_touched = False
        self.have = {name: shutil.which(name) for name in ("curl", "lftp", "tnftp", "aria2c", "hyperfine")}
        self.scripts = 0
        only = os.environ.get("BENCH_ONLY", "").strip()
        self.only = [name.strip() for name in only.split(",") if name.strip()] or SCENARIOS
        unknown = [name for name in self.only if name not in SCENARIOS]
        if unknown:
            raise SystemExit(f"bench: unknown scenario(s) {', '.join(unknown)}; known: {' '.join(SCENARIOS)}")

    # -- set-up ---------------------------------------------------------------------------------------------------

    def setup(self):
        tmp = os.environ.get("BENCH_TMP", "/tmp")
        need = 2 * self.size + 2 * self.pget_size + 64 * MiB + 25 * self.rounds * MANY * MANY_SIZE
        free = shutil.disk_usage(tmp).free
        if free < need:
            raise RuntimeError(f"{tmp} has {free // MiB} MiB free; SIZE={self.size_mib} needs about {need // MiB}")
        self.base = Path(tempfile.mkdtemp(prefix="ferry-bench-", dir=tmp))
        self.base.chmod(0o755)      # vsftpd's session runs as the bench user and must reach srv/
        self.user_touched = True
        self.user = create_user(self.password)
        self.srv = self.base / "srv"
        self.local = self.base / "local"
        self.out = self.base / "out"
        self.home = self.base / "home"
        self.scratch = self.base / "scratch"
        trash = self.base / "trash"
        for folder in (self.srv, self.local, self.out, self.home, self.scratch, trash):
            folder.mkdir(mode=0o755)
        TRASH[:] = [trash]
        self.scratch.chmod(0o700)
        self.home.chmod(0o700)
        netrc = self.home / ".netrc"
        netrc.write_text(f"machine {HOST} login {USER} password {self.password}\n")
        netrc.chmod(0o600)
        self.netrc = netrc

        log(f"Making the test data in {self.base} ({self.size_mib} MiB, {self.pget_mib} MiB, {MANY} x 4 KiB) ...")
        self.file_sha = write_random(self.srv / "file.bin", self.size)
        os.link(self.srv / "file.bin", self.local / "file.bin")
        self.pget_sha = write_random(self.srv / "pget.bin", self.pget_size)
        (self.srv / "many").mkdir()
        (self.local / "many").mkdir()
        self.many = {}
        for name in MANY_NAMES:
            data = os.urandom(MANY_SIZE)
            self.many[name] = hashlib.sha256(data).hexdigest()
            (self.srv / "many" / name).write_bytes(data)
            (self.local / "many" / name).write_bytes(data)
        # The mirror scenarios: the same files spread over TREE_FOLDERS folders, and a copy with the same times
        # for the run that has nothing to do.
        self.tree = {}
        for index, name in enumerate(MANY_NAMES):
            relative = f"d{index % TREE_FOLDERS}/{name}"
            (self.srv / "tree" / relative).parent.mkdir(parents=True, exist_ok=True)
            os.link(self.srv / "many" / name, self.srv / "tree" / relative)
            self.tree[relative] = self.many[name]
        (self.srv / "small").mkdir()
        for name in SMALL_NAMES:
            (self.srv / "small" / name).write_text(f"{name}\n")
        (self.srv / "up").mkdir()
        (self.srv / "mup").mkdir()
        for path in [self.srv, *self.srv.rglob("*")]:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self.tree_copy = self.base / "tree-copy"
        shutil.copytree(self.srv / "tree", self.tree_copy, copy_function=shutil.copy2)
        os.sync()

        self.plain = Vsftpd("vsftpd", self.base, self.srv)
        self.servers.append(self.plain)
        self.capped = Vsftpd("vsftpd-capped", self.base, self.srv, [f"local_max_rate={RATE_CAP}"])
        self.servers.append(self.capped)
        log(f"vsftpd on {HOST}:{self.plain.port}, rate-capped vsftpd ({RATE_CAP} B/s per connection) "
            f"on {HOST}:{self.capped.port}")

        self.env = {key: value for key, value in os.environ.items()
                    if "proxy" not in key.lower() and key not in ("FTPMODE", "FTPSERVER", "FTPSERVERPORT", "NETRC")}
        self.env.update(HOME=str(self.home), no_proxy="*", NO_PROXY="*")

    def cleanup(self):
        problems = []
        for server in self.servers:
            try:
                server.stop()
            except Exception as error:      # keep cleaning
                problems.append(f"stopping {server.name}: {error}")
        if self.user_touched:
            problems += remove_user()
        if self.base and self.base.exists():
            shutil.rmtree(self.base, ignore_errors=True)
            if self.base.exists():
                problems.append(f"could not remove {self.base}")
        for problem in problems:
            log(f"cleanup: {problem}")

    # -- clients --------------------------------------------------------------------------------------------------

    def script_file(self, text):
        self.scripts += 1
        path = self.scratch / f"script-{self.scripts}.txt"
        path.write_text(text)
        path.chmod(0o600)
        return path

    def url(self, server, path):
        return f"ftp://{HOST}:{server.port}/{path}"

    def shown(self, text):
        for server in self.servers:
            text = text.replace(f":{server.port}/", ":PORT/")
        return text.replace(str(self.base), "$TMP").replace(self.password, "PASSWORD")

    def with_baseline(self, scenarios):
        """FERRY_BASELINE: each Ferry row again with the baseline binary, as a peer; BENCH_PEERS=0: no other clients."""
        for scenario in scenarios:
            scenario.clients = self.with_baseline_clients(scenario.clients)
        return scenarios

    def with_baseline_clients(self, clients):
        baseline = os.environ.get("FERRY_BASELINE")
        peers = os.environ.get("BENCH_PEERS", "1") != "0"
        chosen = [client for client in clients if client.ferry or peers]
        if baseline:
            for client in [client for client in chosen if client.ferry]:
                chosen.append(Client(client.label + " (baseline)", [os.path.abspath(baseline), *client.argv[1:]],
                                     client.cwd, client.check, stdin=client.stdin, ferry=False,
                                     shown=client.shown + " (baseline build)", baseline=True))
        return chosen

    def ferry_client(self, label, server, lines, cwd, check, flags=(), primary=True):
        script = f"user {USER} {self.password}\n" + "".join(f"{line}\n" for line in lines) + "quit\n"
        shown = f"ferry -n {' '.join(flags)} {HOST} PORT".replace("  ", " ") + f" <<< 'user …; {'; '.join(lines)}'"
        return Client(label, [self.ferry, "-n", *flags, HOST, str(server.port)], cwd, check, stdin=script,
                      ferry=True, primary=primary, shown=self.shown(shown))

    def tnftp_client(self, label, server, lines, cwd, check, flags=()):
        script = f"user {USER} {self.password}\n" + "".join(f"{line}\n" for line in lines) + "quit\n"
        shown = f"tnftp -n {' '.join(flags)} {HOST} PORT".replace("  ", " ") + f" <<< 'user …; {'; '.join(lines)}'"
        return Client(label, ["tnftp", "-n", *flags, HOST, str(server.port)], cwd, check, stdin=script,
                      shown=self.shown(shown))

    def lftp_client(self, label, server, lines, cwd, check):
        # No AUTH TLS attempt (vsftpd here has no TLS; the other clients do not try it either); fail fast.
        script = "\n".join([
            "set cmd:fail-exit yes", "set ftp:ssl-allow no", "set net:max-retries 2",
            "set net:reconnect-interval-base 1", "set xfer:clobber on",
            f"open -u {USER},{self.password} {HOST}:{server.port}", *lines, "quit"]) + "\n"
        shown = f"lftp -e 'open -u … {HOST}:PORT; {'; '.join(lines)}; quit'"
        return Client(label, ["lftp", "-f", str(self.script_file(script))], cwd, check, shown=self.shown(shown))

    def curl_client(self, label, args, cwd, check):
        argv = ["curl", "-sS", "--fail", "--netrc-file", str(self.netrc), *args]
        return Client(label, argv, cwd, check, shown=self.shown(shlex.join(argv)))

    # -- scenarios ------------------------------------------------------------------------------------------------

    def scenarios(self):
        plain, capped = self.plain, self.capped
        out = self.out
        file_check = lambda c, s: check_file(out / "file.bin", self.file_sha, alone=True)
        pget_check = lambda c, s: check_file(out / "pget.bin", self.pget_sha, alone=True)
        many_check = lambda c, s: check_tree(out, self.many)
        up_check = lambda c, s: check_file(self.srv / "up" / "file.bin", self.file_sha)
        mup_check = lambda c, s: check_tree(self.srv / "mup", self.many)
        srv_file = str(self.srv / "file.bin")

        def null_check(client, offset):
            for _ in range(40):          # vsftpd may write its log line just after the client has gone
                got = [size for path, size in plain.downloads_since(offset) if path == srv_file]
                if self.size in got:
                    return
                time.sleep(0.05)
            raise CheckFailed(f"vsftpd logged no complete download of file.bin (got {got or 'none'})")

        def reset_up():
            target = self.srv / "up" / "file.bin"
            if target.exists():
                target.unlink()

        def reset_mup():
            fresh_dir(self.srv / "mup", self.user)

        local_many = self.local / "many"
        result = []
        if "get-file" in self.only:
            result.append(Scenario("get-file", f"get one {self.size_mib} MiB file to a file", plain, [
                self.ferry_client("ferry", plain, ["binary", "get file.bin"], out, file_check),
                self.curl_client("curl", ["-o", "file.bin", self.url(plain, "file.bin")], out, file_check),
                self.lftp_client("lftp", plain, ["get file.bin"], out, file_check),
                self.tnftp_client("tnftp", plain, ["binary", "get file.bin"], out, file_check),
            ], self.size, True))
        if "get-null" in self.only:
            result.append(Scenario("get-null", f"get one {self.size_mib} MiB file to /dev/null", plain, [
                self.ferry_client("ferry", plain, ["binary", "get file.bin /dev/null"], out, null_check),
                self.curl_client("curl", ["-o", "/dev/null", self.url(plain, "file.bin")], out, null_check),
                self.lftp_client("lftp", plain, ["get file.bin -o /dev/null"], out, null_check),
                self.tnftp_client("tnftp", plain, ["binary", "get file.bin /dev/null"], out, null_check),
            ], self.size, True))
        if "put" in self.only:
            result.append(Scenario("put", f"put one {self.size_mib} MiB file", plain, [
                self.ferry_client("ferry", plain, ["binary", "cd up", "put file.bin"], self.local, up_check),
                self.curl_client("curl -T", ["-T", "file.bin", self.url(plain, "up/")], self.local, up_check),
                self.lftp_client("lftp", plain, ["cd up", "put file.bin"], self.local, up_check),
                self.tnftp_client("tnftp", plain, ["binary", "cd up", "put file.bin"], self.local, up_check),
            ], self.size, True, reset=reset_up))
        if "mget" in self.only:
            result.append(Scenario("mget", f"mget {MANY} files of 4 KiB, one connection", plain, [
                self.ferry_client("ferry", plain, ["binary", "cd many", "mget *"], out, many_check, flags=["-i"]),
                self.curl_client("curl (glob)", [self.url(plain, "many/" + MANY_GLOB), "-o", "f#1.bin"], out,
                                 many_check),
                self.lftp_client("lftp", plain, ["cd many", "mget *"], out, many_check),
                self.tnftp_client("tnftp", plain, ["binary", "cd many", "mget *"], out, many_check, flags=["-i"]),
            ], MANY * MANY_SIZE, False))
        if "mput" in self.only:
            result.append(Scenario("mput", f"mput {MANY} files of 4 KiB, one connection", plain, [
                self.ferry_client("ferry", plain, ["binary", "cd mup", "mput *"], local_many, mup_check, flags=["-i"]),
                self.curl_client("curl -T (glob)", ["-T", MANY_GLOB, self.url(plain, "mup/")], local_many, mup_check),
                self.lftp_client("lftp", plain, ["cd mup", "mput *"], local_many, mup_check),
                self.tnftp_client("tnftp", plain, ["binary", "cd mup", "mput *"], local_many, mup_check,
                                  flags=["-i"]),
            ], MANY * MANY_SIZE, False, reset=reset_mup))
        if "mget-P8" in self.only:
            result.append(Scenario("mget-P8", f"mget {MANY} files of 4 KiB, {PARALLEL} connections", plain, [
                self.ferry_client(f"ferry mget -P {PARALLEL}", plain, ["binary", "cd many", f"mget -P {PARALLEL} *"],
                                  out, many_check, flags=["-i"]),
                self.lftp_client(f"lftp mirror --parallel={PARALLEL}", plain,
                                 [f"mirror --parallel={PARALLEL} many {out / 'many'}"], out,
                                 lambda c, s: check_tree(out / "many", self.many)),
                self.curl_client(f"curl -Z --parallel-max {PARALLEL}",
                                 ["-Z", "--parallel-max", str(PARALLEL), self.url(plain, "many/" + MANY_GLOB),
                                  "-o", "f#1.bin"], out, many_check),
            ], MANY * MANY_SIZE, False))
        if "mput-P8" in self.only:
            result.append(Scenario("mput-P8", f"mput {MANY} files of 4 KiB, {PARALLEL} connections", plain, [
                self.ferry_client(f"ferry mput -P {PARALLEL}", plain, ["binary", "cd mup", f"mput -P {PARALLEL} *"],
                                  local_many, mup_check, flags=["-i"]),
                self.lftp_client(f"lftp mirror -R --parallel={PARALLEL}", plain,
                                 [f"mirror -R --parallel={PARALLEL} {local_many} mup"], local_many, mup_check),
                self.curl_client(f"curl -Z -T --parallel-max {PARALLEL}",
                                 ["-Z", "--parallel-max", str(PARALLEL), "-T", MANY_GLOB, self.url(plain, "mup/")],
                                 local_many, mup_check),
            ], MANY * MANY_SIZE, False, reset=reset_mup))
        if "pget" in self.only:
            aria = ["aria2c", f"-x{SEGMENTS}", f"-s{SEGMENTS}", "--min-split-size=1M", "--file-allocation=falloc",
                    "--allow-overwrite=true", "--auto-file-renaming=false", "--console-log-level=warn",
                    "--summary-interval=0", "--download-result=hide", f"--netrc-path={self.netrc}",
                    "-d", str(out), "-o", "pget.bin", self.url(capped, "pget.bin")]
            result.append(Scenario(
                "pget", f"pget one {self.pget_mib} MiB file, server capped at {RATE_CAP // 1_000_000} MB/s "
                        f"per connection", capped, [
                    self.ferry_client(f"ferry pget -n {SEGMENTS}", capped, ["binary", f"pget -n {SEGMENTS} pget.bin"],
                                      out, pget_check),
                    self.lftp_client(f"lftp pget -n {SEGMENTS}", capped, [f"pget -n {SEGMENTS} pget.bin"], out,
                                     pget_check),
                    Client(f"aria2c -x{SEGMENTS} -s{SEGMENTS}", aria, out, pget_check,
                           shown=self.shown(shlex.join(aria))),
                    self.ferry_client("ferry get (1 connection)", capped, ["binary", "get pget.bin"], out, pget_check,
                                      primary=False),
                ], self.pget_size, True))
        tree_check = lambda c, s: check_nested(out / "tree", self.tree)
        if "mirror-P8" in self.only:
            result.append(Scenario("mirror-P8", f"mirror a tree of {MANY} files of 4 KiB in {TREE_FOLDERS} folders, "
                                                f"{PARALLEL} connections", plain, [
                self.ferry_client(f"ferry mirror -P {PARALLEL}", plain, [f"mirror -P {PARALLEL} tree {out / 'tree'}"],
                                  out, tree_check),
                self.lftp_client(f"lftp mirror --parallel={PARALLEL}", plain,
                                 [f"mirror --parallel={PARALLEL} tree {out / 'tree'}"], out, tree_check),
            ], MANY * MANY_SIZE, False))
        if "mirror-again" in self.only:
            tree_root = str(self.srv / "tree")

            def nothing_moved(client, offset):
                check_nested(out / "tree", self.tree)
                moved = [path for path, _ in plain.downloads_since(offset) if path.startswith(tree_root)]
                if moved:
                    raise CheckFailed(f"{len(moved)} files downloaded again (first {moved[0]})")

            def copy_tree():
                shutil.copytree(self.tree_copy, out / "tree", copy_function=shutil.copy2)
            result.append(Scenario("mirror-again", f"mirror the same tree again: {MANY} files, nothing changed",
                                   plain, [
                self.ferry_client(f"ferry mirror -P {PARALLEL}", plain, [f"mirror -P {PARALLEL} tree {out / 'tree'}"],
                                  out, nothing_moved),
                self.lftp_client(f"lftp mirror --parallel={PARALLEL}", plain,
                                 [f"mirror --parallel={PARALLEL} tree {out / 'tree'}"], out, nothing_moved),
            ], 0, False, reset=copy_tree))
        return self.with_baseline(result)

    def startup_clients(self):
        plain = self.plain

        def listing_check(client, output):
            text = output.read_text(errors="replace") if output.exists() else ""
            missing = [name for name in SMALL_NAMES if name not in text]
            if missing:
                raise CheckFailed(f"listing lacks {', '.join(missing)}")

        return self.with_baseline_clients([
            self.ferry_client("ferry", plain, ["ls small"], self.out, listing_check),
            self.tnftp_client("tnftp", plain, ["ls small"], self.out, listing_check),
            self.lftp_client("lftp", plain, ["ls small"], self.out, listing_check),
            self.curl_client("curl (list)", [self.url(plain, "small/")], self.out, listing_check),
        ])

    def available(self, client):
        name = Path(client.argv[0]).name
        if client.ferry or client.baseline:
            return os.access(client.argv[0], os.X_OK)
        return bool(self.have.get(name))

    def timeout_for(self, moved):
        if os.environ.get("BENCH_TIMEOUT"):
            return float(os.environ["BENCH_TIMEOUT"])
        return 120 + moved / 5_000_000

    # -- running --------------------------------------------------------------------------------------------------

    def run_once(self, scenario, client, round_number):
        fresh_dir(self.out)
        if scenario.reset:
            scenario.reset()
        stdin_path = self.script_file(client.stdin) if client.stdin is not None else None
        os.sync()
        server = scenario.server
        server.wait_idle()
        cpu_before = server.cpu_seconds()
        offset = server.log_size()
        try:
            outcome = run_process(client.argv, cwd=client.cwd, env=self.env,
                                  timeout=self.timeout_for(scenario.moved), stdin_path=stdin_path,
                                  rss_path=self.scratch / "rss.txt")
        except OSError as error:
            return Run(False, error=f"could not start: {error}", round=round_number)
        server.wait_idle()
        cpu_after = server.cpu_seconds()
        server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        run = Run(False, outcome.wall, outcome.cpu, outcome.rss_kib, server_cpu, round=round_number)
        if outcome.timed_out:
            run.error = f"timed out after {self.timeout_for(scenario.moved):.0f} s"
        elif outcome.status != 0:
            run.error = f"exit status {outcome.status}: {last_line(outcome.stderr)}"
        else:
            try:
                client.check(client, offset)
                run.ok = True
            except CheckFailed as error:
                run.error = f"{error}" + (f" (stderr: {last_line(outcome.stderr)})" if outcome.stderr.strip() else "")
            except OSError as error:
                run.error = f"check failed: {error}"
        fresh_dir(self.out)
        if scenario.reset:
            scenario.reset()
        return run

    def run_scenario(self, scenario):
        clients = [client for client in scenario.clients if self.available(client)]
        for client in scenario.clients:
            if client not in clients:
                scenario.notes.append(f"{client.label}: not installed, skipped")
        scenario.clients = clients
        for client in clients:
            scenario.runs[client.label] = []
        for round_number in range(1, self.rounds + 1):
            shift = (round_number - 1) % len(clients) if clients else 0
            for client in clients[shift:] + clients[:shift]:
                try:
                    run = self.run_once(scenario, client, round_number)
                except (OSError, subprocess.SubprocessError, RuntimeError) as error:    # this run fails, not the bench
                    run = Run(False, error=f"{type(error).__name__}: {error}", round=round_number)
                scenario.runs[client.label].append(run)
                status = f"{run.wall:8.3f} s" if run.ok else f"FAILED: {run.error}"
                log(f"  [{scenario.key} {round_number}/{self.rounds}] {client.label:<34} {status}")

    # -- start-up -------------------------------------------------------------------------------------------------

    def run_startup(self):
        runs_per_round = int(os.environ.get("STARTUP_RUNS", "20"))
        use_hyperfine = bool(self.have.get("hyperfine")) and not os.environ.get("BENCH_NO_HYPERFINE")
        clients = [client for client in self.startup_clients() if self.available(client)]
        result = {"clients": clients, "times": {c.label: [] for c in clients},
                  "checked": {c.label: [] for c in clients},
                  "failures": [], "runs": runs_per_round, "tool": "hyperfine" if use_hyperfine else "a loop in Python"}
        if not use_hyperfine:
            result["note"] = ("hyperfine not installed (or BENCH_NO_HYPERFINE set): each run timed in Python, "
                              "fork/exec of the client included")
        for round_number in range(1, self.rounds + 1):
            shift = (round_number - 1) % len(clients) if clients else 0
            for client in clients[shift:] + clients[:shift]:
                stdin_path = self.script_file(client.stdin) if client.stdin is not None else None
                # One checked run: the listing must be right; CPU and peak RSS come from it.
                output = self.scratch / "startup-output.txt"
                self.plain.wait_idle()
                try:
                    outcome = run_process(client.argv, cwd=client.cwd, env=self.env, timeout=30,
                                          stdin_path=stdin_path, stdout_path=output,
                                          rss_path=self.scratch / "rss.txt")
                    if outcome.timed_out:
                        raise CheckFailed("timed out after 30 s")
                    if outcome.status != 0:
                        raise CheckFailed(f"exit status {outcome.status}: {last_line(outcome.stderr)}")
                    client.check(client, output)
                    result["checked"][client.label].append(outcome)
                except (CheckFailed, OSError) as error:
                    result["failures"].append((client.label, round_number, str(error)))
                    log(f"  [startup {round_number}/{self.rounds}] {client.label:<34} FAILED: {error}")
                    continue
                times = (self.hyperfine(client, stdin_path, runs_per_round) if use_hyperfine
                         else self.timed_loop(client, stdin_path, runs_per_round))
                if isinstance(times, str):
                    result["failures"].append((client.label, round_number, times))
                    log(f"  [startup {round_number}/{self.rounds}] {client.label:<34} FAILED: {times}")
                    continue
                result["times"][client.label] += times
                log(f"  [startup {round_number}/{self.rounds}] {client.label:<34} "
                    f"{statistics.median(times) * 1000:8.1f} ms median of {len(times)}")
        return result

    def hyperfine(self, client, stdin_path, runs):
        command_line = shlex.join(client.argv) + (f" < {shlex.quote(str(stdin_path))}" if stdin_path else "")
        export = self.scratch / "hyperfine.json"
        argv = ["hyperfine", "--style", "none", "--warmup", "3", "--runs", str(runs), "--export-json", str(export),
                "--command-name", client.label, command_line]
        try:
            outcome = run_process(argv, cwd=client.cwd, env=self.env, timeout=60 + runs * 5)
        except OSError as error:
            return f"hyperfine could not start: {error}"
        if outcome.timed_out:
            return "hyperfine timed out"
        if outcome.status != 0:
            return f"hyperfine: exit status {outcome.status}: {last_line(outcome.stderr)}"
        try:
            return list(json.loads(export.read_text())["results"][0]["times"])
        except (OSError, ValueError, KeyError, IndexError) as error:
            return f"hyperfine's JSON unreadable: {error}"

    def timed_loop(self, client, stdin_path, runs):
        times = []
        for index in range(runs + 3):           # 3 warm-up runs, as with hyperfine
            self.plain.wait_idle()
            try:
                outcome = run_process(client.argv, cwd=client.cwd, env=self.env, timeout=30, stdin_path=stdin_path)
            except OSError as error:
                return f"could not start: {error}"
            if outcome.timed_out or outcome.status != 0:
                return f"run {index + 1}: " + ("timed out" if outcome.timed_out else f"exit status {outcome.status}")
            if index >= 3:
                times.append(outcome.wall)
        return times

    # -- reporting ------------------------------------------------------------------------------------------------

    def scenario_table(self, scenario):
        moved_gib = scenario.moved / GiB
        cpu_header = "CPU s/GiB" if scenario.per_gib else "CPU s"
        headers = ["client", "ok", "wall s", "MB/s", cpu_header, "peak RSS MiB", "vsftpd CPU s", "Ferry speed-up"]
        stats = {}
        for client in scenario.clients:
            good = [run for run in scenario.runs[client.label] if run.ok]
            if good:
                wall = statistics.median(run.wall for run in good)
                cpu = statistics.median(run.cpu for run in good)
                server = [run.server_cpu for run in good if run.server_cpu is not None]
                stats[client.label] = dict(
                    wall=wall, cpu=cpu / moved_gib if scenario.per_gib else cpu,
                    rss=max(run.rss_kib for run in good) / 1024 or None,
                    server=statistics.median(server) if server else None)
        peers = {c.label: stats[c.label]["wall"] for c in scenario.clients if not c.ferry and c.label in stats}
        best_peer = min(peers, key=peers.get) if peers else None
        primary = next((c.label for c in scenario.clients if c.ferry and c.primary and c.label in stats), None)
        rows = []
        for client in scenario.clients:
            runs = scenario.runs[client.label]
            ok = f"{sum(run.ok for run in runs)}/{len(runs)}"
            s = stats.get(client.label)
            if not s:
                rows.append([client.label, ok, "failed", "", "", "", "", ""])
                continue
            if client.ferry:
                ratio = f"{peers[best_peer] / s['wall']:.2f}x vs {best_peer}" if best_peer else ""
            else:
                ratio = f"{s['wall'] / stats[primary]['wall']:.2f}x" if primary else ""
            rows.append([client.label, ok, f"{s['wall']:.3f}", f"{scenario.moved / 1e6 / s['wall']:.1f}",
                         f"{s['cpu']:.3f}", "?" if s["rss"] is None else f"{s['rss']:.1f}",
                         "" if s["server"] is None else f"{s['server']:.2f}",
                         ratio])
        summary = None
        if primary and best_peer:
            summary = (f"Ferry / best peer ({best_peer}): {peers[best_peer] / stats[primary]['wall']:.2f}x "
                       f"(best peer wall / Ferry wall; >1 means Ferry is faster)")
        else:
            summary = "Ferry / best peer: n/a" + ("" if primary else " (Ferry failed every run)")
        failures = [f"{client.label}, round {run.round}: {run.error}" for client in scenario.clients
                    for run in scenario.runs[client.label] if not run.ok]
        commands = [f"{client.label}: `{client.shown}`" for client in scenario.clients if client.shown]
        return headers, rows, summary, failures + scenario.notes, commands

    def startup_table(self, result):
        headers = ["client", "runs", "median ms", "min ms", "CPU ms", "peak RSS MiB", "Ferry speed-up"]
        stats = {}
        for client in result["clients"]:
            times = result["times"][client.label]
            checked = result["checked"][client.label]
            if times and checked:
                stats[client.label] = dict(median=statistics.median(times), min=min(times),
                                           cpu=statistics.median(o.cpu for o in checked),
                                           rss=max(o.rss_kib for o in checked) / 1024)
        peers = {c.label: stats[c.label]["median"] for c in result["clients"] if not c.ferry and c.label in stats}
        best_peer = min(peers, key=peers.get) if peers else None
        ferry = next((c.label for c in result["clients"] if c.ferry and c.label in stats), None)
        rows = []
        for client in result["clients"]:
            s = stats.get(client.label)
            if not s:
                rows.append([client.label, "0", "failed", "", "", "", ""])
                continue
            if client.ferry:
                ratio = f"{peers[best_peer] / s['median']:.2f}x vs {best_peer}" if best_peer else ""
            else:
                ratio = f"{s['median'] / stats[ferry]['median']:.2f}x" if ferry else ""
            rows.append([client.label, str(len(result["times"][client.label])), f"{s['median'] * 1000:.1f}",
                         f"{s['min'] * 1000:.1f}", f"{s['cpu'] * 1000:.1f}", f"{s['rss']:.1f}", ratio])
        summary = (f"Ferry / best peer ({best_peer}): {peers[best_peer] / stats[ferry]['median']:.2f}x "
                   f"(>1 means Ferry starts faster)") if ferry and best_peer else \
            "Ferry / best peer: n/a" + ("" if ferry else " (Ferry failed every run)")
        notes = [f"{label}, round {round_number}: {error}" for label, round_number, error in result["failures"]]
        if result.get("note"):
            notes.append(result["note"])
        commands = [f"{client.label}: `{client.shown}`" for client in result["clients"] if client.shown]
        return headers, rows, summary, notes, commands


def last_line(text):
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no message)"


def text_table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    def line(cells):
        return "  ".join(str(cell).ljust(width) if index == 0 else str(cell).rjust(width)
                         for index, (cell, width) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * width for width in widths])] + [line(row) for row in rows])


def markdown_table(headers, rows):
    align = ["---"] + ["---:"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def first_line(argv, timeout=10):
    """First line of a short command's output ('?' when it has none), killed with its children after timeout."""
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
    except OSError:
        return "not installed"
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "? (timed out)"
    lines = (out or err).strip().splitlines()
    return lines[0].strip() if lines else "?"


def package_version(name):
    try:
        result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", name], capture_output=True, text=True,
                                timeout=10)
        return result.stdout.strip() if result.returncode == 0 else "not installed"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def version_of(argv, package=None):
    """'curl 7.88.1 (Debian 7.88.1-10+deb12u14)': the first version-like word of the client's own answer."""
    line = first_line(argv)
    match = re.search(r"\d+\.\d+(\.\d+)*", line)
    text = match.group(0) if match else line
    if package:
        text += f" (Debian {package_version(package)})"
    return text


def source_commit(binary):
    """The commit of the checkout (or worktree) the ferry binary was built in, when it lives in one."""
    for folder in Path(binary).resolve().parents:
        if (folder / ".git").exists():
            return f"{first_line(['git', '-C', str(folder), 'describe', '--always', '--dirty'])} in {folder}"
    return "unknown commit"


def machine_facts(bench):
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("SIZE / ROUNDS", f"{bench.size_mib} MiB / {bench.rounds} (pget file {bench.pget_mib} MiB)"),
        ("machine", f"{os.cpu_count()} cores (nproc), {cpu}, Linux {platform.release()}"),
        ("ferry", f"{first_line([bench.ferry, '--version'])} ({source_commit(bench.ferry)})"),
        ("vsftpd", package_version("vsftpd")),
        ("curl", version_of(["curl", "--version"], "curl")),
        ("lftp", version_of(["lftp", "--version"], "lftp")),
        ("tnftp", package_version("tnftp")),
        ("aria2c", version_of(["aria2c", "--version"], "aria2")),
        ("hyperfine", version_of(["hyperfine", "--version"], "hyperfine") if shutil.which("hyperfine")
         else "not installed"),
    ]


def main():
    args = sys.argv[1:]
    if len(args) > 2 or any(not arg.isdigit() or int(arg) < 1 for arg in args):
        raise SystemExit("usage: scripts/bench.py [SIZE-MiB] [ROUNDS]   (positive integers; defaults 1024 and 3)")
    size_mib = int(args[0]) if args else 1024
    rounds = int(args[1]) if len(args) > 1 else 3
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root (it creates the local user ferrybench and starts vsftpd)")
    for path, package in ((VSFTPD, "vsftpd"), (TIME, "time")):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"bench: {path} is missing: apt-get install {package} (make bench installs it)")
    if not become_subreaper():
        log("note: not a child subreaper: the vsftpd CPU column misses sessions that outlive their parent")
    bench = Bench(size_mib, rounds)
    if not os.access(bench.ferry, os.X_OK):
        raise SystemExit(f"bench: no ferry binary at {bench.ferry} (make release, or set FERRY=path)")

    def terminate(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGINT, signal.default_int_handler)    # even when started in the background
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)

    sections = []
    try:
        bench.setup()
        facts = machine_facts(bench)
        for scenario in bench.scenarios():
            log(f"\n{scenario.key}: {scenario.title}")
            bench.run_scenario(scenario)
            sections.append((scenario.key, scenario.title, *bench.scenario_table(scenario)))
        if "startup" in bench.only:
            title = "start-up: connect, log in, ls of a 5-file folder, quit"
            log(f"\nstartup: {title}")
            result = bench.run_startup()
            sections.append(("startup", f"{title} (median of {result['runs']} runs per round and client, "
                                        f"timed by {result['tool']})", *bench.startup_table(result)))
    except KeyboardInterrupt:
        log("\nbench: interrupted; cleaning up")
        failure = 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        log(f"\nbench: {error}; cleaning up")
        failure = 1
    else:
        failure = 0
    finally:
        bench.cleanup()      # servers, user, PAM file and temp folders, whatever happened
    if failure:
        sys.exit(failure)

    log("\n" + "=" * 100)
    for label, value in facts:
        log(f"{label + ':':<15} {value}")
    for key, title, headers, rows, summary, notes, _ in sections:
        log(f"\n{key}: {title}, median of {rounds} round(s)\n" + text_table(headers, rows))
        if summary:
            log(summary)
        for note in notes:
            log(f"  - {note}")
    write_markdown(bench, facts, sections)


def write_markdown(bench, facts, sections):
    target = os.environ.get("BENCH_DOC", str(REPO / "Docs" / "Benchmarks.md"))
    if target == "-":
        return
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`scripts/bench.py`); run it again to refresh. Ferry beside curl, lftp, tnftp and "
        "aria2c, every client against the same vsftpd on 127.0.0.1 (plain FTP, passive mode), on this machine:",
        "",
    ]
    lines += [f"- **{label}**: {value}" for label, value in facts]
    if bench.size_mib < 1024 or bench.rounds < 3:
        lines += ["", f"*A quick run (SIZE={bench.size_mib}, ROUNDS={bench.rounds}); the reference figures come from "
                      "`make bench` with its defaults, SIZE=1024 and ROUNDS=3.*"]
    lines += [
        "",
        "How it runs: the clients take turns run by run, and the order rotates every round, so that page-cache "
        "writeback does not always land on the same client; `sync` before every run. The small files a run made are "
        "moved aside, not deleted, until the end: ext4 without a journal, as here, skips every inode freed in the last "
        "minute when it makes a file, so each run paid for the deletions before it. Every run is checked (sha256 of "
        "each file; for /dev/null the byte count vsftpd logged) and a run that fails counts as failed, not as a time. "
        "Wall times are medians over the good runs; MB/s = 10^6 bytes/s from that median. CPU is the client's "
        "user+sys time (wait4), per GiB moved for big files; peak RSS is the client's largest over its runs (GNU "
        "time); vsftpd CPU is what the server's session processes spent on the run (10 ms ticks). "
        "**Ferry speed-up**: on a Ferry row, best peer "
        "wall / Ferry wall; on a peer's row, that peer's wall / Ferry's wall; >1 means Ferry is faster. lftp runs "
        "with `ftp:ssl-allow no` (no AUTH TLS attempt: the server has no TLS and the other clients do not try it). "
        "The bench user's password is hashed with SHA-512 (1,000 rounds), not PAM's default yescrypt, which would add "
        "about 45 ms to every login here and swamp the start-up times.",
    ]
    for key, title, headers, rows, summary, notes, commands in sections:
        lines += ["", f"## {key}: {title}", "", markdown_table(headers, rows)]
        if summary:
            lines += ["", summary]
        if notes:
            lines += [""] + [f"- {note}" for note in notes]
        if commands:
            lines += ["", "<details><summary>Commands</summary>", ""] + [f"- {command}" for command in commands]
            lines += ["", "</details>"]
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text("\n".join(lines) + "\n")
    log(f"\nWrote {target}")


if __name__ == "__main__":
    main()
