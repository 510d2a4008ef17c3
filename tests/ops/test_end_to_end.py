"""The real thing: ``socialmuse run`` serves the app, stops without orphans, restarts fast.

Runs on http://localhost:3000 because the production bundle has the port baked in, and
3000 is the port the README promises. On the external-backend pass it uses the test Redis
instead of the embedded Valkey (the database stays a SQLite file in a temp data dir, so the
shared PostgreSQL test database is left to the other tests).
"""

from __future__ import annotations

import os
import shutil
import signal
import time

import httpx
import pytest

from .helpers import gone, port_is_free, survivors, tree, wait_for

PORT = 3000
URL = f"http://localhost:{PORT}"
FIRST_START_TIMEOUT = 600  # may include the first production build of the frontend
RESTART_BUDGET = 60  # the promise: a second start serves within a minute


def run_env(tmp_path) -> tuple[dict[str, str], bool]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALMUSE_", "REFLEX_"))}
    env.update(SOCIALMUSE_DATA_DIR=str(tmp_path / "data"), SOCIALMUSE_ENV="development")
    external = os.environ.get("SOCIALMUSE_TEST_BACKEND") == "external"
    if external:
        env["SOCIALMUSE_REDIS_URL"] = os.environ["SOCIALMUSE_TEST_REDIS_URL"]
    return env, external


def start_and_check(spawn, env, external: bool, timeout: float, name: str):
    assert port_is_free(PORT), f"port {PORT} is busy: stop the running SocialMuse before the tests"
    cli = shutil.which("socialmuse", path=os.path.dirname(os.sys.executable))
    assert cli, "the socialmuse console script is not installed in this venv"
    began = time.monotonic()
    sup = spawn([cli, "run"], env=env, name=name)
    sup.wait_output(f"ready: {URL}", timeout=timeout)
    elapsed = time.monotonic() - began

    page = httpx.get(URL + "/", timeout=10)
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert httpx.get(URL + "/ping", timeout=10).text.strip('"') == "pong"

    procs = tree(sup.proc.pid)
    cmdlines = " ".join(" ".join(p.cmdline()) for p in procs)
    assert (
        "dramatiq" in cmdlines and "scheduler" in cmdlines and "socialmuse.webapp serve" in cmdlines
    )
    assert ("valkey-server" in cmdlines) is not external
    assert f"data directory: {env['SOCIALMUSE_DATA_DIR']}" in sup.output()
    return sup, procs, elapsed


def stop_and_check(sup, procs) -> None:
    sup.proc.send_signal(signal.SIGINT)
    assert sup.proc.wait(timeout=60) == 0, sup.output()[-3000:]
    wait_for(lambda: gone(procs), 15, "no process of the app to remain")
    assert survivors(procs) == []
    assert port_is_free(PORT)


@pytest.mark.timeout(FIRST_START_TIMEOUT + 300)
def test_run_serves_stops_clean_and_restarts_within_a_minute(spawn, tmp_path):
    env, external = run_env(tmp_path)

    sup, procs, _ = start_and_check(spawn, env, external, FIRST_START_TIMEOUT, "first")
    stop_and_check(sup, procs)
    assert (tmp_path / "data" / "socialmuse.db").exists()

    again, procs, elapsed = start_and_check(spawn, env, external, RESTART_BUDGET, "restart")
    assert "building the web frontend" not in again.output(), (
        "restart rebuilt an unchanged frontend"
    )
    assert elapsed < RESTART_BUDGET
    stop_and_check(again, procs)
