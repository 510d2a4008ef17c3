"""One storage contract, two backends: local disk and an S3-compatible server (moto).

Then the paths that depend on it: uploads land in the configured backend, publishing reads
the bytes back through it, and networks that fetch media get a URL that serves those bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from socialmuse.models import MediaAsset, Post, PostTarget
from socialmuse.models.enums import Platform, TargetStatus
from socialmuse.platforms.base import (
    AccountContext,
    ConnectedAccount,
    PostContent,
    Problem,
    Published,
)
from socialmuse.platforms.registry import overridden
from socialmuse.services import accounts, media, media_library, posts, publishing, storage
from socialmuse.services.errors import DomainError
from socialmuse.settings import SettingsError, get_settings
from tests.factories import brand, owner
from tests.services.media_helpers import (
    free_port,
    moto_s3,
    s3_settings,
    settings_env,
    unique_png,
)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_s3() as endpoint:
        yield endpoint


@pytest.fixture()
def on_s3(backend: dict[str, str], s3_endpoint: str) -> Iterator[str]:
    """Settings switched to the S3 backend for one test."""
    with settings_env(**s3_settings(s3_endpoint)):
        yield s3_endpoint


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, backend: dict[str, str]) -> Iterator[storage.Storage]:
    if request.param == "local":
        yield storage.local_storage()
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    with settings_env(**s3_settings(endpoint)):
        yield storage.default_storage()


def test_put_get_open_exists_size_delete(store: storage.Storage) -> None:
    key = "7/contract/abc.png"
    assert not store.exists(key)
    store.put(key, b"first", content_type="image/png")
    store.put(key, b"second version", content_type="image/png")  # replaces
    assert store.exists(key)
    assert store.get(key) == b"second version"
    assert store.size(key) == len(b"second version")
    with store.open(key) as stream:
        assert stream.read() == b"second version"
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting twice is fine


def test_missing_objects_raise_missing_object(store: storage.Storage) -> None:
    for read in (store.get, store.open, store.size):
        with pytest.raises(storage.MissingObject):
            read("7/contract/nothing-here.jpg")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs.png", "a//b", "a/./b", "", "a\\b"])
def test_keys_that_could_escape_are_refused(store: storage.Storage, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        store.put(key, b"x", content_type="image/png")


def test_public_url_local_is_none_and_s3_serves_the_bytes(store: storage.Storage) -> None:
    store.put("7/contract/pub.png", b"public bytes", content_type="image/png")
    url = store.public_url("7/contract/pub.png", expires_s=60)
    if store.name == "local":
        assert url is None
    else:
        assert url is not None and "Signature" in url
        assert httpx.get(url).content == b"public bytes"


def test_s3_public_base_url_builds_plain_links(backend: dict[str, str], s3_endpoint: str) -> None:
    extra = {"s3_public_base_url": "https://cdn.example.com/media/"}
    with settings_env(**s3_settings(s3_endpoint, **extra)):
        url = storage.default_storage().public_url("3/a b.png", expires_s=60)
    assert url == "https://cdn.example.com/media/3/a%20b.png"


def test_s3_without_a_bucket_is_a_clear_settings_error(backend: dict[str, str]) -> None:
    with settings_env(storage_backend="s3", s3_bucket=""), pytest.raises(SettingsError) as err:
        storage.default_storage()
    assert "SOCIALMUSE_S3_BUCKET" in str(err.value)


def test_uploads_go_to_s3_and_nothing_is_written_locally(session: Session, on_s3: str) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    data = unique_png()
    asset = media_library.upload(
        session, actor=person.actor, brand_id=brand_id, filename="logo.png", data=data
    )
    row = session.get(MediaAsset, asset.id)
    assert row is not None and row.storage_backend == "s3"
    s3 = storage.storage_for("s3")
    assert s3.get(row.storage_key) == data
    assert row.thumbnail_key and s3.exists(row.thumbnail_key)
    assert not (get_settings().data_dir / "media" / row.storage_key).exists()
    assert "X-Amz-Signature" in asset.url and "X-Amz-Signature" in asset.thumbnail_url
    assert httpx.get(asset.url).content == data


class Recording:
    """A network that reads every attached file, as real adapters do, and remembers it."""

    platform = Platform.SANDBOX

    def __init__(self) -> None:
        self.read: list[bytes] = []
        self.urls: list[str] = []

    def validate(self, content: PostContent) -> list[Problem]:
        return []

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        for item in content.media:
            self.read.append(item.path.read_bytes())
            self.urls.append(media.public_media_url(item))
        return Published(external_id="r1", permalink="https://sandbox.test/r1")

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        return None

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        raise AssertionError("a Sandbox token never expires: nothing here should refresh it")


def test_publishing_reads_media_from_s3(session: Session, on_s3: str, tmp_path: Path) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    account = accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="s")
    picture = tmp_path / "menu.png"
    picture.write_bytes(unique_png())
    post = posts.create_post(
        session,
        actor=person.actor,
        brand_id=brand_id,
        account_ids=[account.id],
        text="Today's menu",
        media_paths=[picture],
        now=True,
    )
    session.commit()
    [row] = session.exec(select(MediaAsset)).all()
    assert row.storage_backend == "s3"
    assert not (get_settings().data_dir / "media" / row.storage_key).exists()

    network = Recording()
    with overridden(Platform.SANDBOX, network):  # type: ignore[arg-type]
        claimed = publishing.claim_due_targets(session)
        session.commit()
        assert [publishing.publish_target(t) for t in claimed] == [TargetStatus.PUBLISHED]
    assert network.read == [picture.read_bytes()]
    # Instagram and Threads would be given a URL that serves the same bytes.
    assert httpx.get(network.urls[0]).content == picture.read_bytes()
    assert posts.get_post(session, actor=person.actor, post_id=post.id).targets[0].external_id


def test_local_publishing_links_are_signed_api_urls(session: Session, tmp_path: Path) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    asset = media_library.upload(
        session, actor=person.actor, brand_id=brand_id, filename="a.png", data=unique_png()
    )
    row = session.get(MediaAsset, asset.id)
    assert row is not None
    url = media.public_media_url(media.media_file(row))
    assert url.startswith(f"{get_settings().base_url}/api/v1/media/")
    ref = media.open_token(url.rsplit("/", 1)[-1])
    assert (ref.backend, ref.key) == ("local", row.storage_key)
    with pytest.raises(ValueError, match="not in SocialMuse's media storage"):
        media.public_media_url(media.files_from_paths([Path(__file__)])[0])


def test_an_unreachable_store_refuses_the_upload_in_plain_words(
    session: Session, backend: dict[str, str]
) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with settings_env(**s3_settings(nowhere)), pytest.raises(DomainError) as err:
        media_library.upload(
            session, actor=person.actor, brand_id=brand_id, filename="a.png", data=unique_png()
        )
    assert "a.png could not be stored: the media storage did not answer" in err.value.message
    assert session.exec(select(MediaAsset)).all() == []


def test_a_per_account_media_choice_replaces_the_posts_media(session: Session, on_s3: str) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    first, second = unique_png(), unique_png()
    ids = [
        media_library.upload(
            session, actor=person.actor, brand_id=brand_id, filename=f"{n}.png", data=data
        ).id
        for n, data in (("first", first), ("second", second))
    ]
    account = accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="t")
    created = posts.create_post(
        session,
        actor=person.actor,
        brand_id=brand_id,
        account_ids=[account.id],
        text="Hi",
        now=True,
    )
    rows = media_library.load_assets(
        session, actor=person.actor, brand_id=brand_id, asset_ids=[ids[0]]
    )
    media.attach(session, post_id=created.id, assets=rows)
    post = session.get(Post, created.id)
    target = session.exec(select(PostTarget).where(PostTarget.post_id == created.id)).one()
    assert post is not None

    def read(override: list[int] | None) -> list[bytes]:
        target.media_override = override
        return [f.path.read_bytes() for f in posts.content_of(session, post, target).media]

    assert read(None) == [first]  # read back from S3 through the local cache
    assert read([ids[1], ids[0]]) == [second, first]
    assert read([]) == []
