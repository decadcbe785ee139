"""Throwaway PostgreSQL clusters and server processes for the benchmark, each cleaned up on exit.

Every wait is bounded: a server that does not answer within its time limit is an error that says
which one and where its log is, never a hang.
"""

import atexit
import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "bench"  # git-ignored: the Datasette venv, SQLite copies, logs, results


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    """A loopback port nobody listens on now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout, what, process=None, log_path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before listening; see {log_path}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s; see {log_path}")


def cpu_seconds(pid, reaped=False):
    """User + system CPU time of a process (and, with `reaped`, of its children that have exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if reaped else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def tree_cpu_seconds(pid):
    """CPU time of a server: the process, its live children, and the children it has reaped."""
    return cpu_seconds(pid, reaped=True) + sum(cpu_seconds(child) for child in children(pid))


class Server:
    """A child process in its own process group (so that its workers stop with it), logged to a file."""

    def __init__(self, name, argv, port, env=None, cwd=ROOT, startup_timeout=60):
        self.name, self.port = name, port
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = CACHE_DIR / f"{name}-{port}.log"  # the port keeps runs side by side apart
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        atexit.register(self.stop)
        wait_for_port(port, startup_timeout, name, self.process, self.log_path)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self):
        """The gunicorn workers: children of the master process."""
        return children(self.process.pid)

    def cpu_seconds(self):
        return tree_cpu_seconds(self.process.pid)

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if not self._log.closed:
            self._log.close()


def _pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError(
        "No initdb found: install PostgreSQL's server package, or pass --database-url to use a running server."
    )


class Cluster:
    """A PostgreSQL cluster of our own on a free port, fsync off: fast to fill and gone afterwards.

    As root, the cluster runs as the `postgres` user (PostgreSQL refuses to run as root). With
    `data_dir` given and already initialised, it is reused and kept (for repeated runs at 1M).
    """

    def __init__(self, data_dir=None):
        self.bin = _pg_bin()
        self.keep = data_dir is not None
        self.dir = Path(data_dir or tempfile.mkdtemp(prefix="tracker-bench-pg-")).resolve()
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self.dir.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(self.dir, 0o700)
        if not (self.dir / "PG_VERSION").exists():
            started = time.monotonic()
            self._run(
                [
                    self.bin / "initdb",
                    "-D",
                    self.dir,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
            log(f"initdb {self.dir} in {time.monotonic() - started:.1f} s")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=512MB -c max_wal_size=8GB -c maintenance_work_mem=512MB "
            "-c max_connections=100"
        )
        atexit.register(self.stop)
        self._run(
            [self.bin / "pg_ctl", "-D", self.dir, "-l", self.dir / "log", "-w", "-t", "60", "-o", options, "start"]
        )

    def _run(self, argv):
        argv = [str(a) for a in argv]
        if self._as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, timeout=120)

    def cpu_seconds(self):
        """CPU time of the whole cluster so far (postmaster, live backends, and exited ones)."""
        try:
            pid = int((self.dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        return tree_cpu_seconds(pid)

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self):
        if self.dir.exists() and (self.dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run([self.bin / "pg_ctl", "-D", self.dir, "-m", "fast", "-w", "-t", "60", "stop"])
        if not self.keep and self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
