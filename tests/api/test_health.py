"""/api/v1/health reports the database and the queue."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from socialmuse.api import build_api
from socialmuse.settings import get_settings


def test_health_ok_on_the_configured_backend(session: Session) -> None:
    response = TestClient(build_api()).get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_health_degraded_when_the_queue_is_down(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMUSE_REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    try:
        response = TestClient(build_api()).get("/api/v1/health")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert response.status_code == 503
    assert response.json()["queue"].startswith("unreachable")
