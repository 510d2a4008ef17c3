"""Starting and stopping the supervisor's child processes.

Each child runs in its own session (so its own process group). Why: Reflex, Granian,
Dramatiq and npm all fork helpers of their own; signalling the whole group is the only way
to be sure none of them outlives ``socialmuse run`` and keeps a port or a lock busy.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child before exec: get SIGTERM if the supervisor itself is killed (-9).

    Without this a SIGKILLed supervisor would leave its children running, holding port 3000.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: best effort only
        pass


@dataclass
class Child:
    """One supervised command and, once started, its process."""

    name: str
    argv: Sequence[str]
    cwd: Path | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self, env: Mapping[str, str]) -> None:
        """Spawn in a new session; output goes straight to our terminal, unbuffered."""
        self.proc = subprocess.Popen(
            list(self.argv),
            cwd=self.cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def exit_code(self) -> int | None:
        """None while running, else the exit status (negative: killed by that signal)."""
        return self.proc.poll() if self.proc is not None else None


def signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when the group is already gone."""
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # a recycled pgid we don't own: nothing of ours is left in it
        return False


def group_alive(pgid: int) -> bool:
    """True while any process (zombies included) is left in the group."""
    return signal_group(pgid, 0)


def stop_children(children: Sequence[Child], grace: float = 15.0) -> None:
    """SIGTERM every child's group, wait up to ``grace`` seconds for all, then SIGKILL.

    Groups are signalled together so the shutdown takes one grace period, not one per child.
    The leaders are reaped so no zombie keeps the group (and its pgid) alive.
    """
    started = [c for c in children if c.proc is not None]
    for child in started:
        signal_group(child.proc.pid, signal.SIGTERM)  # type: ignore[union-attr]
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        for child in started:
            child.exit_code()  # reap the leader as soon as it exits
        if not any(group_alive(c.proc.pid) for c in started):  # type: ignore[union-attr]
            return
        time.sleep(0.1)
    for child in started:
        signal_group(child.proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
    for child in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=5)  # type: ignore[union-attr]


class StopRequest:
    """Turns SIGINT/SIGTERM/SIGHUP into a flag the supervision loop waits on.

    A handler only sets an event: the actual shutdown runs in the main loop, not inside a
    signal handler, so it is never interrupted halfway by a second Ctrl-C.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None

    def install(self) -> None:
        for sig in self.SIGNALS:
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        if self.signum is None:
            self.signum = signum
        self.event.set()

    def wait(self, timeout: float) -> bool:
        return self.event.wait(timeout)


def first_exited(children: Sequence[Child]) -> Child | None:
    """The first child whose process has exited, if any."""
    for child in children:
        if child.exit_code() is not None:
            return child
    return None


def describe_exit(code: int) -> str:
    """'exit code 3' or 'killed by SIGKILL': the readable half of the failure line."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
