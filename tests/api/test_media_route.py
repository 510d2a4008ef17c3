"""GET /api/v1/media/{token}: a signed, expiring link serves the bytes; nothing else does."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from socialmuse.api import build_api
from socialmuse.models import MediaAsset
from socialmuse.services import media, media_library, storage
from tests.factories import brand, owner
from tests.services.media_helpers import moto_s3, png, s3_settings, settings_env


@pytest.fixture()
def client() -> TestClient:
    return TestClient(build_api())


@pytest.fixture()
def asset(session: Session) -> MediaAsset:
    person = owner(session)
    brand_id = brand(session, person)
    public = media_library.upload(
        session, actor=person.actor, brand_id=brand_id, filename="logo.png", data=png()
    )
    session.commit()
    row = session.get(MediaAsset, public.id)
    assert row is not None
    return row


def test_the_library_links_serve_original_and_thumbnail(
    client: TestClient, asset: MediaAsset
) -> None:
    original = client.get(media.asset_url(asset))
    assert original.status_code == 200
    assert original.content == png()
    assert original.headers["content-type"] == "image/png"
    assert original.headers["x-content-type-options"] == "nosniff"
    thumb = client.get(media.thumbnail_url(asset))
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert thumb.content.startswith(b"\xff\xd8\xff")


def test_ranges_are_served_for_players_and_fetchers(client: TestClient, asset: MediaAsset) -> None:
    partial = client.get(media.asset_url(asset), headers={"Range": "bytes=0-7"})
    assert partial.status_code == 206 and partial.content == b"\x89PNG\r\n\x1a\n"


def test_a_tampered_token_is_refused(client: TestClient, asset: MediaAsset) -> None:
    token = media.asset_url(asset).rsplit("/", 1)[-1]
    payload, signature = token.split(".")
    # Point the signed payload at another key: the signature no longer matches.
    other = media.sign_token("local", "999/other.png", "image/png", expires_s=60)
    forged = f"{other.split('.')[0]}.{signature}"
    for bad in (forged, payload, f"{payload}.{signature[:-2]}AA", "nonsense"):
        response = client.get(f"/api/v1/media/{bad}")
        assert response.status_code == 403, bad
        assert response.json() == {"detail": "This media link is not valid."}


def test_an_expired_token_is_refused(client: TestClient, asset: MediaAsset) -> None:
    old = media.sign_token(
        "local", asset.storage_key, asset.content_type, expires_s=60, now=time.time() - 120
    )
    response = client.get(f"/api/v1/media/{old}")
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]
    with pytest.raises(ValueError, match="expired"):
        media.open_token(old)


def test_a_token_for_deleted_bytes_is_not_found(client: TestClient, asset: MediaAsset) -> None:
    url = media.asset_url(asset)
    storage.local_storage().delete(asset.storage_key)
    assert client.get(url).status_code == 404


def test_s3_objects_stream_through_the_route(
    backend: dict[str, str], client: TestClient, session: Session
) -> None:
    with moto_s3() as endpoint, settings_env(**s3_settings(endpoint)):
        storage.default_storage().put("5/abc.png", b"from s3", content_type="image/png")
        token = media.sign_token("s3", "5/abc.png", "image/png", expires_s=60)
        response = client.get(f"/api/v1/media/{token}")
    assert response.status_code == 200 and response.content == b"from s3"
    assert response.headers["content-length"] == "7"
