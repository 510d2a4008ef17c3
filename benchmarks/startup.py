"""Start-up time of ``socialmuse run`` against plain ``reflex run --env prod``, same machine.

Why: the issue promises a restart under 60 s. Plain ``reflex run --env prod`` rebuilds the
frontend on every start; ``socialmuse run`` reuses a fingerprinted build. The baseline is the
plain Reflex start of the same app in the same run, so the ratio does not depend on the box.

Run from the repository root after ``make bootstrap``:  .venv/bin/python benchmarks/startup.py
It uses port 3000 (must be free) and a throwaway data directory.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = 3000
RUNS = 3


def _answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=0.3):
            return True
    except OSError:
        return False


def time_to_serve(argv: list[str], env: dict[str, str], limit: float = 600) -> float:
    """Seconds from spawn until the port answers HTTP; then stop the whole group."""
    import httpx

    began = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.monotonic() - began < limit:
            if proc.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {proc.returncode}")
            if _answers():
                try:
                    if httpx.get(f"http://127.0.0.1:{PORT}/", timeout=2).status_code == 200:
                        return time.monotonic() - began
                except httpx.HTTPError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"{argv[0]} did not serve within {limit}s")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        deadline = time.monotonic() + 30
        while _answers() and time.monotonic() < deadline:
            time.sleep(0.2)


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="sm-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALMUSE_", "REFLEX_"))}
    env.update(
        SOCIALMUSE_DATA_DIR=str(data),
        REFLEX_USE_NPM="1",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    ours = [str(BIN / "socialmuse"), "run"]
    time_to_serve(ours, env)  # warm: make sure the cached build exists
    restarts = [time_to_serve(ours, env) for _ in range(RUNS)]
    plain = [
        time_to_serve(
            [
                sys.executable,
                "-m",
                "reflex",
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(PORT),
                "--backend-port",
                str(PORT),
            ],
            env,
        )
        for _ in range(RUNS)
    ]
    ours_med, plain_med = statistics.median(restarts), statistics.median(plain)
    print(f"machine: {os.cpu_count()} cores; runs: {RUNS}")
    print(f"socialmuse run (restart, cached build): median {ours_med:.1f} s  {restarts}")
    print(f"reflex run --env prod (baseline):       median {plain_med:.1f} s  {plain}")
    print(f"ratio ours/baseline: {ours_med / plain_med:.2f}")


if __name__ == "__main__":
    main()
