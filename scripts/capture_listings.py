#!/usr/bin/env python3
"""Captures raw LIST and MLSD replies from real servers for Ferry's listing fixtures.

Run as root (it creates a test user and device files):  make capture-listings
It builds one sample tree, serves it from vsftpd, proftpd, pure-ftpd, busybox ftpd and pyftpdlib on 127.0.0.1,
and writes Tests/Fixtures/listings/<server>/{LIST,MLSD,meta} byte for byte as the server sent them.
"""
import ftplib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "listings")
USER, PASSWORD = "ferrytest", "ferry-secret"
NOW = int(time.time())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tree(base):
    tree = os.path.join(base, "tree")
    os.makedirs(os.path.join(tree, "sub dir"))
    def write(name, data, mtime):
        path = os.path.join(tree.encode(), name)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (mtime, mtime))
    write(b"plain.txt", b"hello world\n", NOW - 86400)
    write(b"old.txt", b"old\n", 1546344000)              # 2019-01-01: shown with a year
    write(b"name with spaces.txt", b"x" * 1234, NOW - 3600)
    write(b"  leading spaces.txt", b"y", NOW - 7200)
    write("ünïcödé.txt".encode(), b"utf8", NOW - 60)
    write(b"latin1-\xe9t\xe9.txt", b"latin1", NOW - 60)    # not valid UTF-8
    write(b"arrow -> in name.txt", b"tricky", NOW - 60)
    with open(os.path.join(tree, "sparse-5GiB.bin"), "wb") as f:
        f.truncate(5 * 1024 ** 3)
    os.utime(os.path.join(tree, "sparse-5GiB.bin"), (NOW - 100, NOW - 100))
    os.symlink("plain.txt", os.path.join(tree, "link"))
    os.mkfifo(os.path.join(tree, "fifo"))
    try:
        os.mknod(os.path.join(tree, "null-device"), 0o20666, os.makedev(1, 3))
    except PermissionError:
        pass
    numeric = os.path.join(tree, "numeric-owner.txt")
    write(b"numeric-owner.txt", b"n", NOW - 60)
    os.chown(numeric, 54321, 54321)
    subprocess.run(["chmod", "-R", "a+rX", tree], check=True)
    for d in (base, tree, os.path.join(tree, "sub dir")):
        os.chmod(d, 0o755)
    return tree


def ensure_user():
    if subprocess.run(["id", USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", "-d", "/tmp", "-s", "/bin/sh", USER], check=True)
    subprocess.run(["chpasswd"], input=f"{USER}:{PASSWORD}\n".encode(), check=True)
    with open("/etc/pam.d/ferry-vsftpd-test", "w") as f:
        f.write("auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\n")


def wait_for(port, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(3) == b"220":
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def capture(name, port, tree, user, password, chdir=True):
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=20)
    ftp.encoding = "latin-1"   # keep every byte of names (we write raw bytes below)
    ftp.login(user, password)
    if chdir:
        ftp.cwd(tree)
    feat = ftp.sendcmd("FEAT") if True else ""
    outputs = {}
    for verb in ("LIST", "MLSD"):
        if verb == "MLSD" and "MLST" not in feat:
            continue
        ftp.voidcmd("TYPE A")
        conn = ftp.transfercmd(verb)
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        conn.close()
        ftp.voidresp()
        outputs[verb] = data
    ftp.quit()
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    for verb, data in outputs.items():
        with open(os.path.join(folder, verb), "wb") as f:
            f.write(data)
    version = {
        "vsftpd": "dpkg-query -W -f=${Version} vsftpd",
        "proftpd": "dpkg-query -W -f=${Version} proftpd-core",
        "pure-ftpd": "dpkg-query -W -f=${Version} pure-ftpd",
        "busybox": "dpkg-query -W -f=${Version} busybox",
        "pyftpdlib": "python3 -c 'import pyftpdlib;print(pyftpdlib.__ver__,end=\"\")'",
    }[name]
    ver = subprocess.run(version, shell=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(folder, "meta"), "w") as f:
        f.write(f"server {name} {ver}\ncaptured {NOW}\ntimezone UTC\n")
    print(f"{name}: {', '.join(f'{v} {len(d)} bytes' for v, d in outputs.items())}")


def capture_busybox_ls():
    """Debian's busybox has no ftpd applet; busybox ftpd answers LIST with its own `ls -lA`, captured here."""
    base = tempfile.mkdtemp(prefix="ferry-capture-")
    try:
        tree = make_tree(base)
        env = dict(os.environ, LC_ALL="C", TZ="UTC")
        data = subprocess.run(["busybox", "ls", "-lA"], cwd=tree, env=env, capture_output=True, check=True).stdout
        folder = os.path.join(OUT, "busybox")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "LIST"), "wb") as f:
            f.write(data.replace(b"\n", b"\r\n"))
        ver = subprocess.run("dpkg-query -W -f='${Version}' busybox", shell=True, capture_output=True, text=True).stdout
        with open(os.path.join(folder, "meta"), "w") as f:
            f.write(f"server busybox-ls {ver.strip()}\ncaptured {NOW}\ntimezone UTC\n")
        print(f"busybox: LIST {len(data)} bytes")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def serve(name, base, tree, procs):
    """Starts one server on a free loopback port and returns (port, user, password, chdir)."""
    port = free_port()
    if name == "vsftpd":
        empty = os.path.join(base, "empty")
        os.makedirs(empty, exist_ok=True)
        conf = os.path.join(base, "vsftpd.conf")
        with open(conf, "w") as f:
            f.write(f"listen=YES\nlisten_address=127.0.0.1\nlisten_port={port}\nbackground=NO\nlocal_enable=YES\n"
                    f"anonymous_enable=NO\npam_service_name=ferry-vsftpd-test\nsecure_chroot_dir={empty}\n"
                    "seccomp_sandbox=NO\nisolate=NO\nisolate_network=NO\nuse_localtime=NO\n")
        procs.append(subprocess.Popen(["/usr/sbin/vsftpd", conf]))
        return port, USER, PASSWORD, True
    if name == "proftpd":
        conf = os.path.join(base, "proftpd.conf")
        with open(conf, "w") as f:
            f.write(f"Include /etc/proftpd/modules.conf\nServerType standalone\nDefaultServer on\nPort {port}\n"
                    f"DefaultAddress 127.0.0.1\nSocketBindTight on\nUseIPv6 off\nUser nobody\nGroup nogroup\n"
                    f"WtmpLog off\nScoreboardFile {base}/proftpd.scoreboard\nPidFile {base}/proftpd.pid\n"
                    f"DelayTable none\nServerLog {base}/proftpd.log\nTransferLog none\nRequireValidShell off\n"
                    "AuthOrder mod_auth_unix.c\nUseReverseDNS off\nTimesGMT on\n")
        procs.append(subprocess.Popen(["/usr/sbin/proftpd", "-n", "-q", "-c", conf]))
        return port, USER, PASSWORD, True
    if name == "pure-ftpd":
        procs.append(subprocess.Popen(["/usr/sbin/pure-ftpd", "-S", f"127.0.0.1,{port}", "-l", "unix", "-E", "-H",
                                       "-u", "1"]))
        return port, USER, PASSWORD, True
    if name == "pyftpdlib":
        log = os.path.join(base, "pyftpd.log")
        out = open(log, "w")
        procs.append(subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Fixtures/servers/pyftpd.py"),
                                       "--root", tree], stdout=out, stderr=subprocess.DEVNULL))
        for _ in range(100):
            text = open(log).read()
            if text.startswith("PORT "):
                return int(text.split()[1]), "tester", "secret", False
            time.sleep(0.1)
        raise SystemExit("pyftpdlib did not start")
    raise SystemExit(f"unknown server {name}")


def main():
    if os.geteuid() != 0:
        sys.exit("capture_listings.py must run as root (it creates a user and a device file)")
    names = sys.argv[1:] or ["busybox", "pyftpdlib"]
    os.environ["TZ"] = "UTC"
    ensure_user()
    for name in names:
        if name == "busybox":
            capture_busybox_ls()
            continue
        base = tempfile.mkdtemp(prefix="ferry-capture-")
        os.chmod(base, 0o755)
        tree = make_tree(base)
        procs = []
        try:
            port, user, password, chdir = serve(name, base, tree, procs)
            if not wait_for(port):
                raise SystemExit(f"{name} did not start on 127.0.0.1:{port}")
            capture(name, port, tree if chdir else "/", user, password, chdir)
        finally:
            for p in procs:
                p.kill()
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
