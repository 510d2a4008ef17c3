"""Browser tests drive the real production app (the same build and server ``make run`` uses).

The root conftest's ``backend`` fixture prepares a migrated database and Valkey and puts
their URLs in the environment; this file builds the frontend for a test port, serves it in a
subprocess, and gives each test a fresh browser context (its own localStorage, so its own
login). The scheduler and a Dramatiq worker run beside the server, so posts really go
out. Chromium is Debian's (``apt-get install chromium``); Playwright cannot download one here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from socialmuse import webapp
from tests.browser.mail import Inbox, mail_server
from tests.browser.networks import network_env, x_network

__all__ = ["mail_server", "network_env", "x_network"]  # fixtures: emulated networks, SMTP

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SOCIALMUSE_CHROMIUM", "/usr/bin/chromium")
# A fixed port lets a second run reuse the cached build (the port is baked into the bundle).
PREFERRED_PORT = int(os.environ.get("SOCIALMUSE_BROWSER_TEST_PORT", "3917"))
START_TIMEOUT_S = 120
# Our own frontend work directory: `make run` and the ops tests build .web for port 3000 at
# the same time, and a build in progress deletes .web/build. Kept across runs (node_modules
# and the fingerprinted build are reused).
WEB_DIR = Path(
    os.environ.get("SOCIALMUSE_BROWSER_TEST_WEB_DIR")
    or Path(tempfile.gettempdir())
    / "socialmuse-browser-tests"
    # one per checkout, so two clones (a developer's and CI's) never share a build
    / hashlib.sha1(str(Path(__file__).resolve().parents[2]).encode()).hexdigest()[:10]
    / "web"
)

expect.set_options(timeout=15_000)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pick_port() -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", PREFERRED_PORT))
        except OSError:
            return _free_port()
    return PREFERRED_PORT


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        try:  # wait a moment for the server, noticing at once if it died instead
            server.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"the web app exited with {server.returncode}; log:\n{log.read_text()[-4000:]}")
    pytest.fail(
        f"the web app did not answer within {START_TIMEOUT_S}s; log:\n{log.read_text()[-4000:]}"
    )


@dataclass
class AppProcess:
    """One process of the running app, with the log to show when it dies."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(
                f"the {self.name} exited with {self.proc.returncode} during the tests; "
                f"log:\n{self.log.read_text(errors='replace')[-4000:]}"
            )

    def stop(self) -> None:
        """SIGTERM the whole process group (Dramatiq forks workers), SIGKILL if it lingers."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class RunningApp:
    """The web server plus the scheduler and worker that publish, all on one database/queue."""

    url: str
    processes: list[AppProcess] = field(default_factory=list)

    def check_alive(self) -> None:
        for process in self.processes:
            process.check_alive()


def _spawn(name: str, argv: list[str], env: dict[str, str], log: Path) -> AppProcess:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return AppProcess(name, proc, log)


@pytest.fixture(scope="package")
def running_app(
    backend: dict[str, str],
    network_env: dict[str, str],
    mail_server: Inbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningApp]:
    """Build (cached by fingerprint) and serve the production app on one port.

    The scheduler (``socialmuse scheduler``) and a Dramatiq worker run beside it with the
    same environment, so a post scheduled in the browser is really claimed and published.
    ``network_env`` points the app's network adapters at emulators started before it.
    Package-scoped: they stop when the browser tests end, before other tests in the same run
    create due targets in the shared database that they would otherwise publish.
    """
    port = _pick_port()
    url = f"http://localhost:{port}"
    venv_bin = Path(sys.executable).parent
    env = {
        **os.environ,
        **backend,
        **webapp.port_env(port),
        **network_env,
        **mail_server.env,  # scheduled reports and milestone emails go to the test inbox
        "SOCIALMUSE_BASE_URL": url,
        "REFLEX_WEB_WORKDIR": str(WEB_DIR),
        "REFLEX_USE_NPM": "1",
        "PYTHONUNBUFFERED": "1",
        "PATH": os.pathsep.join([str(venv_bin), os.environ.get("PATH", "")]),
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    logs = tmp_path_factory.mktemp("webapp")
    log = logs / "webapp.log"
    with log.open("wb") as out:
        build = subprocess.run(
            [sys.executable, "-m", "socialmuse.webapp", "build", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if build.returncode != 0:
        pytest.fail(f"frontend build failed; log:\n{log.read_text()[-4000:]}")
    app = RunningApp(url)
    serve = ["-m", "socialmuse.webapp", "serve", "--port", str(port), "--host", "127.0.0.1"]
    server = _spawn("web app", [sys.executable, *serve], env, log)
    app.processes.append(server)
    try:
        _wait_until_serving(url, server.proc, log)
        app.processes += [
            _spawn(
                # -m, not the console script: the script imports the installed checkout,
                # and the scheduler must run this checkout's code like the server and worker
                "scheduler",
                [sys.executable, "-m", "socialmuse.cli", "scheduler"],
                env,
                logs / "sched.log",
            ),
            _spawn(
                "worker",
                [sys.executable, "-m", "dramatiq", "jobs", "--processes", "1", "--threads", "2"],
                env,
                logs / "worker.log",
            ),
        ]
        yield app
    finally:
        for process in reversed(app.processes):
            process.stop()


@pytest.fixture(scope="package")
def app_url(running_app: RunningApp) -> str:
    return running_app.url


@pytest.fixture(autouse=True)
def _app_processes_alive(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that used the app fails loudly if the server, scheduler or worker died."""
    if "app_url" not in request.fixturenames:
        yield
        return
    app: RunningApp = request.getfixturevalue("running_app")
    app.check_alive()
    yield
    app.check_alive()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()


@pytest.fixture()
def new_context(browser: Browser, app_url: str) -> Iterator:
    """Factory for extra isolated browser profiles (a teammate on another computer)."""
    contexts: list[BrowserContext] = []

    def _new() -> BrowserContext:
        context = browser.new_context(base_url=app_url)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_context) -> Page:
    """A fresh profile: nothing in localStorage, so nobody is logged in."""
    return new_context().new_page()
