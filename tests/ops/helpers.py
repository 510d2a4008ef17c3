"""Helpers for the operational tests: spawn a supervisor, watch its process tree.

The tree is recorded while the supervisor runs (psutil), because once a parent dies its
children are re-parented and can no longer be found from the supervisor's pid.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]


def wait_for(
    predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1
) -> None:
    """Poll until ``predicate()`` is true; fail the test with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def tree(pid: int) -> list[psutil.Process]:
    """The process and all its live descendants."""
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def gone(procs: list[psutil.Process]) -> bool:
    """True when none of the recorded processes is alive (a zombie counts as alive)."""
    for proc in procs:
        try:
            if proc.is_running():
                return False
        except psutil.NoSuchProcess:
            continue
    return True


def survivors(procs: list[psutil.Process]) -> list[str]:
    out = []
    for proc in procs:
        try:
            if proc.is_running():
                out.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]} ({proc.status()})")
        except psutil.NoSuchProcess:
            pass
    return out


class Spawned:
    """A supervisor process whose combined output goes to a file we can poll."""

    def __init__(self, argv: list[str], log: Path, env: dict[str, str], cwd: Path = REPO) -> None:
        self.log = log
        self._fh = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            argv, stdout=self._fh, stderr=subprocess.STDOUT, env=env, cwd=cwd
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_output(self, text: str, timeout: float) -> None:
        def seen() -> bool:
            if text in self.output():
                return True
            if self.proc.poll() is not None:
                pytest.fail(
                    f"supervisor exited ({self.proc.returncode}) before {text!r}:\n{self.output()}"
                )
            return False

        wait_for(seen, timeout, f"{text!r} in the supervisor output")

    def close(self) -> None:
        if self.proc.poll() is None:  # a failed test must not leave the app running
            for proc in reversed(tree(self.proc.pid)):
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.kill()
            self.proc.wait(timeout=10)
        self._fh.close()


PYTHON = sys.executable
