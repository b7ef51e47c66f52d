"""Helpers for service tests: the example as a ZIP, polling, token sets, a throwaway PostgreSQL cluster."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import psycopg
import pytest
from redis import Redis

from tests.conftest import EXAMPLE


def zip_folder(folder: Path, *, prefix: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            data = (replace or {}).get(p.name, p.read_bytes())
            z.writestr(prefix + p.name, data)
    return buf.getvalue()


def example_zip() -> bytes:
    return zip_folder(EXAMPLE)


def poll(fn, *, until, timeout: float = 240.0, every: float = 0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if until(last):
            return last
        time.sleep(every)
    raise AssertionError(f"timed out waiting; last value: {last}")


class PgCluster:
    """A throwaway PostgreSQL cluster owned by one test, never the shared one: ``initdb`` in a tmp dir and
    ``pg_ctl`` run as the ``postgres`` OS user (tests run as root), on a free port, with one database."""

    def __init__(self, port: int, database: str = "kiemchung"):
        versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: int(p.name))
        self.bin = versions[-1] / "bin"
        self.root = Path(tempfile.mkdtemp(prefix="kiemchung-pg-"))  # not under pytest's root-only tmp dirs
        shutil.chown(self.root, "postgres", "postgres")
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
        try:
            self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale",
                     "--no-sync")
            self._ctl("start", "-o", f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off")
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
        except BaseException:
            self.stop()
            raise

    def _pg(self, tool: str, *args: str) -> None:
        with open(self.root / "ctl.log", "ab") as out:
            subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / tool), *args], check=True,
                           stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=120)

    def _ctl(self, action: str, *args: str) -> None:
        self._pg("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args)

    def restart(self) -> None:
        """Fast shutdown (every session is cut) and start again with the same options."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--maxmemory-policy", "noeviction"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    poll(lambda: _ping(Redis(port=port)), until=bool, timeout=20, every=0.1)
    return proc


def _ping(r) -> bool:
    try:
        return bool(r.ping())
    except Exception:
        return False


@pytest.fixture()
def own_redis():
    """A Redis of this test alone (no other run's workers or flushes reach its queue)."""
    port = free_port()
    proc = redis_server(port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.kill()
    proc.wait()
