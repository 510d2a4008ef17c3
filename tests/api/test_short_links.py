"""``/l/<code>`` redirects to the destination (UTM applied) and counts clicks; unknown → 404."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from socialmuse.api import build_api
from socialmuse.models import ShortLink
from socialmuse.services import links
from tests.factories import brand, owner

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36"


def test_redirects_with_utm_and_counts(session: Session) -> None:
    boss = owner(session)
    link = links.shorten(
        session,
        actor=boss.actor,
        brand_id=brand(session, boss),
        url="https://shop.example/p?id=1",
        utm={"source": "mastodon", "medium": "social"},
    )
    session.commit()
    client = TestClient(build_api())
    response = client.get(
        f"/l/{link.code}",
        headers={"User-Agent": BROWSER, "Referer": "https://t.co/x"},
        follow_redirects=False,
    )
    assert response.status_code in (302, 307)
    assert response.headers["location"] == (
        "https://shop.example/p?id=1&utm_source=mastodon&utm_medium=social"
    )
    assert response.headers["cache-control"] == "no-store"
    head = client.head(f"/l/{link.code}", headers={"User-Agent": BROWSER}, follow_redirects=False)
    assert head.status_code in (302, 307)
    session.expire_all()
    stored = session.exec(select(ShortLink).where(ShortLink.code == link.code)).one()
    assert stored.click_count == 1


def test_unknown_code_is_a_plain_404_page(session: Session) -> None:
    response = TestClient(build_api()).get("/l/zzzzzzzz", follow_redirects=False)
    assert response.status_code == 404
    assert "This link does not exist" in response.text
    assert "text/html" in response.headers["content-type"]
