"""Throwaway PostgreSQL clusters for the tests that need a server of their own to stop, restart,
replicate, dump or restore: Debian's PostgreSQL binaries, a free port on 127.0.0.1, a temporary
data directory, and `su postgres` because CI runs as root (TOOLS.md).

    with Cluster.start() as primary:
        primary.createdb("tracker")
        standby = primary.standby()   # pg_basebackup -R: a streaming replica on another port
        primary.stop(); primary.restart()

Also here: `free_port()` and `Server`, a gunicorn subprocess of this project pointed at such a
cluster, because a real server process is the only place Django's connection handling between
requests (CONN_HEALTH_CHECKS, close_old_connections) runs as in production.
"""

import atexit
import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def postgres_bin():
    """The newest installed PostgreSQL's bin directory, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def skip_without_postgres():
    """Skip (with the reason) where the PostgreSQL server binaries are not installed."""
    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed")
    if os.geteuid() == 0 and shutil.which("su") is None:
        pytest.skip("running as root without `su` to drop to the postgres user")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command):
    """Run a shell command as the postgres user (initdb refuses to run as root)."""
    if os.geteuid() == 0:
        return subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True, text=True)
    return subprocess.run(["sh", "-c", command], check=True, capture_output=True, text=True)


class Cluster:
    """One PostgreSQL cluster in a temporary directory, listening on 127.0.0.1:`port`."""

    def __init__(self, directory, port):
        self.directory = Path(directory)
        self.port = port
        self.bin = postgres_bin()

    @classmethod
    def start(cls):
        directory = tempfile.mkdtemp(prefix="tracker-pg-")
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        cluster = cls(directory, free_port())
        _as_postgres(
            f"{cluster.bin}/initdb -D {cluster.data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync"
        )
        cluster.restart()
        return cluster

    @property
    def data(self):
        return self.directory / "data"

    def url(self, dbname="tracker"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def restart(self):
        """Start the server (again), and wait until it accepts connections."""
        # fsync off and no sockets outside the data directory: fast, and nothing left behind.
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(f"{self.bin}/pg_ctl -D {self.data} -l {self.directory}/log -w -o '{options}' start")

    def stop(self):
        """Stop the server the way an operator would (fast: open connections are cut)."""
        _as_postgres(f"{self.bin}/pg_ctl -D {self.data} -m fast -w stop")

    def run(self, program, *args):
        """Run one of PostgreSQL's client programs against this cluster; returns its output."""
        command = [str(self.bin / program), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def createdb(self, name, template=None):
        self.run("createdb", *(["-T", template] if template else []), name)
        return self.url(name)

    def sql(self, statement, dbname="tracker"):
        """One statement through psql; returns its unaligned output without the header."""
        return self.run("psql", "-d", dbname, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", statement).strip()

    def standby(self):
        """A streaming replica of this cluster on its own port (pg_basebackup -R writes its settings)."""
        directory = tempfile.mkdtemp(prefix="tracker-pg-standby-")
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        replica = Cluster(directory, free_port())
        # A fast checkpoint: the default "spread" one makes pg_basebackup wait minutes on an idle server.
        options = "-R -X stream --checkpoint=fast --no-sync"
        _as_postgres(f"{self.bin}/pg_basebackup -h 127.0.0.1 -p {self.port} -U postgres -D {replica.data} {options}")
        replica.restart()
        return replica

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.destroy()


EMPTY_STATIC_ROOT = Path(tempfile.gettempdir()) / "tracker-empty-static-root"


def production_env(**overrides):
    """The environment of a production process of this project, on plain HTTP on the loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "PYTEST", "DJANGO_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="test-only-" + "k3y" * 20,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        # The apps' static files as they are (no collectstatic run needed), from an empty STATIC_ROOT.
        STATICFILES_MANIFEST="0",
        STATIC_ROOT=str(EMPTY_STATIC_ROOT),
        # Every request reaches the database: these tests are about what the database does.
        PUBLIC_CACHE_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    EMPTY_STATIC_ROOT.mkdir(exist_ok=True)
    return env


def manage(env, *args):
    """Run `manage.py` with `env`; returns its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


PREPARE = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_seed", verbosity=0)
"""


def prepare(cluster, dbname="tracker", script=""):
    """Create `dbname`, migrate it and load the seed story, then run `script`, all in one process
    (each Django start-up costs a second or two). Returns the production environment for it and
    what `script` printed."""
    cluster.createdb(dbname)
    env = production_env(DATABASE_URL=cluster.url(dbname))
    return env, manage(env, "shell", "--no-imports", "-c", PREPARE + script).strip()


@functools.cache
def shared_primary():
    """One cluster with a migrated, seeded `tracker` database, for the tests that leave it running;
    started on first use and removed when the test process exits."""
    cluster = Cluster.start()
    atexit.register(cluster.destroy)
    env, _ = prepare(cluster)
    return cluster, env


class Server:
    """This project under gunicorn (gunicorn.conf.py) in a subprocess, logging to a file."""

    def __init__(self, env):
        self.port = free_port()
        self.log = Path(tempfile.mkstemp(prefix="tracker-server-", suffix=".log")[1])
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"}
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tracker.wsgi"],
                cwd=PROJECT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_until_up()

    def wait_until_up(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited:\n{self.output()}")
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not answer /healthz within {timeout} s:\n{self.output()}")

    def get(self, path, headers=None):
        """GET `path`; returns the response (status, headers, body) whatever its status."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
                response.body = response.read()
                return response
        except urllib.error.HTTPError as error:
            error.body = error.read()
            return error

    def output(self):
        return self.log.read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
