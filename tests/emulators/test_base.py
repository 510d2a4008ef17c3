"""The emulator base: request log, scripted faults (incl. after-save), HTTP control."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.base import Emulator, EmulatorServer, Fault


class Counter(Emulator):
    name = "counter"

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[str] = []

    def routes(self) -> list[BaseRoute]:
        async def create(request: Request) -> Response:
            data = await request.json()
            self.saved.append(data["text"])
            return JSONResponse({"id": str(len(self.saved))}, status_code=201)

        return [Route("/items", create, methods=["POST"])]


@pytest.fixture()
def server() -> EmulatorServer:
    with EmulatorServer(Counter()) as running:
        yield running


def test_success_is_logged(server: EmulatorServer) -> None:
    response = httpx.post(f"{server.url}/items", json={"text": "hi"})
    assert response.status_code == 201 and response.json() == {"id": "1"}
    [entry] = server.emulator.requests("POST", "/items")
    assert entry.json() == {"text": "hi"} and entry.status == 201


def test_status_fault_does_not_save_and_is_consumed(server: EmulatorServer) -> None:
    emulator = server.emulator
    assert isinstance(emulator, Counter)
    emulator.inject(Fault("POST", "/items", "status", status=503, remaining=2))
    codes = [httpx.post(f"{server.url}/items", json={"text": str(i)}).status_code for i in range(3)]
    assert codes == [503, 503, 201] and emulator.saved == ["2"]


def test_error_after_save_saves_then_fails(server: EmulatorServer) -> None:
    emulator = server.emulator
    assert isinstance(emulator, Counter)
    emulator.inject(Fault("POST", "/items", "error_after_save"))
    response = httpx.post(f"{server.url}/items", json={"text": "x"})
    assert response.status_code == 500 and emulator.saved == ["x"]


def test_timeout_after_save_over_http_control(server: EmulatorServer) -> None:
    emulator = server.emulator
    assert isinstance(emulator, Counter)
    httpx.post(
        f"{server.url}/_emulator/faults",
        json={
            "method": "POST",
            "path_prefix": "/items",
            "kind": "timeout_after_save",
            "delay": 2.0,
        },
    )
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{server.url}/items", json={"text": "late"}, timeout=0.5)
    assert emulator.saved == ["late"]
    log = httpx.get(f"{server.url}/_emulator/log", params={"path_prefix": "/items"}).json()
    assert [e["fault"] for e in log] == ["timeout_after_save"]
    httpx.post(f"{server.url}/_emulator/reset")
    assert emulator.requests() == []
