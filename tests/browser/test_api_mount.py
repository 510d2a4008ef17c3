"""The REST API is served by the same web process as the pages."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_health_is_served_beside_the_pages(app_url: str) -> None:
    response = httpx.get(f"{app_url}/api/v1/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}
    page = httpx.get(f"{app_url}/login", timeout=10, follow_redirects=True)
    assert page.status_code == 200 and "<html" in page.text.lower()
