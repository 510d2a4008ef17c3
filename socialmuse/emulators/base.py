"""What every emulator shares: a threaded server, a request log, latency and scripted faults.

Faults are queued per route (method + path prefix) and consumed one request at a time:
  status             answer with that status and body; the handler does not run
  timeout            hold the request ``delay`` seconds (longer than a client's timeout);
                     the handler does not run: nothing was created
  timeout_after_save run the handler (the post exists), then hold the answer ``delay`` s
  error_after_save   run the handler (the post exists), then answer 500
They are reachable in-process (``emulator.inject``) and over HTTP (``POST /_emulator/faults``)
so a benchmark in another process can script them too.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FaultKind = Literal["status", "timeout", "timeout_after_save", "error_after_save"]


@dataclass
class Fault:
    method: str
    path_prefix: str
    kind: FaultKind
    status: int = 500
    body: dict[str, Any] = field(default_factory=lambda: {"error": "Internal Server Error"})
    delay: float = 30.0
    remaining: int = 1


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    at: float = field(default_factory=time.time)
    fault: str | None = None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Emulator:
    """Base class: subclasses provide ``routes()`` and their own state; ``reset`` clears it."""

    name = "emulator"

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.log: list[LoggedRequest] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self.base_url = ""

    def routes(self) -> list[BaseRoute]:
        return []

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.faults.clear()

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def requests(self, method: str | None = None, path_prefix: str = "") -> list[LoggedRequest]:
        """Logged requests (successful or not) matching the filter, oldest first."""
        with self.lock:
            return [
                r
                for r in self.log
                if (method is None or r.method == method) and r.path.startswith(path_prefix)
            ]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _control_routes(self) -> list[BaseRoute]:
        async def add_fault(request: Request) -> Response:
            data = await request.json()
            self.inject(Fault(**data))
            return JSONResponse({"ok": True})

        async def get_log(request: Request) -> Response:
            prefix = request.query_params.get("path_prefix", "")
            method = request.query_params.get("method")
            items = [
                {**asdict(r), "body": r.body.decode("utf-8", "replace")}
                for r in self.requests(method, prefix)
            ]
            return JSONResponse(items)

        async def reset(request: Request) -> Response:
            self.reset()
            return JSONResponse({"ok": True})

        async def set_latency(request: Request) -> Response:
            self.latency = float((await request.json())["latency"])
            return JSONResponse({"ok": True})

        return [
            Route("/_emulator/faults", add_fault, methods=["POST"]),
            Route("/_emulator/log", get_log, methods=["GET"]),
            Route("/_emulator/reset", reset, methods=["POST"]),
            Route("/_emulator/latency", set_latency, methods=["POST"]),
        ]

    def asgi(self) -> ASGIApp:
        """The emulator's app wrapped in logging, latency and fault handling."""
        inner = Starlette(routes=[*self._control_routes(), *self.routes()])
        return _Recorder(self, inner)


class _Recorder:
    """ASGI middleware: log every request, apply latency and the next matching fault."""

    def __init__(self, emulator: Emulator, app: ASGIApp) -> None:
        self.emulator = emulator
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_emulator/"):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        entry = LoggedRequest(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode(),
            headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
            body=body,
        )
        with self.emulator.lock:
            self.emulator.log.append(entry)
        if self.emulator.latency:
            await asyncio.sleep(self.emulator.latency)

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        fault = self.emulator._take_fault(entry.method, entry.path)
        entry.fault = fault.kind if fault else None
        if fault is not None and fault.kind in ("status", "timeout"):
            if fault.kind == "timeout":
                await asyncio.sleep(fault.delay)
            entry.status = fault.status
            await JSONResponse(fault.body, status_code=fault.status)(scope, replay, send)
            return
        if fault is not None:  # the handler runs and saves; the client gets no good answer
            captured: list[Message] = []

            async def swallow(message: Message) -> None:
                captured.append(message)

            await self.app(scope, replay, swallow)
            if fault.kind == "timeout_after_save":
                await asyncio.sleep(fault.delay)
            entry.status = fault.status
            await JSONResponse(fault.body, status_code=fault.status)(scope, replay, send)
            return

        async def record_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = int(message["status"])
            await send(message)

        await self.app(scope, replay, record_status)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorServer:
    """Serve an emulator on loopback in a background thread (tests, demo) or in the foreground."""

    def __init__(self, emulator: Emulator, port: int | None = None) -> None:
        self.emulator = emulator
        self.port = port or free_port()
        config = uvicorn.Config(
            emulator.asgi(),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_keep_alive=30,
        )
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None
        emulator.base_url = self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> EmulatorServer:
        self.thread = threading.Thread(target=self.server.run, name=self.emulator.name, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"{self.emulator.name} emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
