"""The LinkedIn adapter against the LinkedIn emulator, a real server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault, free_port
from socialmuse.emulators.linkedin import LinkedInEmulator
from socialmuse.emulators.linkedin.emulator import ALL_SCOPES
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import (
    AccountContext,
    Adapter,
    AuthExpired,
    MediaFile,
    OAuthConnect,
    OutcomeUnknown,
    PostContent,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.linkedin import LinkedInAdapter
from socialmuse.platforms.linkedin_api import VERSION
from socialmuse.platforms.text_rules import escape_linkedin

POSTS = "/rest/posts"
START = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
CLIENT = {"client_id": "socialmuse-client", "client_secret": "socialmuse-secret"}


def serve(**options: Any) -> Iterator[LinkedInEmulator]:
    emulator = LinkedInEmulator(clock=lambda: START, image_polls=2, **options)
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def linkedin() -> Iterator[LinkedInEmulator]:
    yield from serve()


def adapter_for(
    linkedin: LinkedInEmulator, client: httpx.Client, **options: Any
) -> LinkedInAdapter:
    return LinkedInAdapter(
        client,
        api_base=linkedin.base_url,
        oauth_base=linkedin.base_url,
        media_poll_interval=0.0,
        clock=linkedin.now,
        **CLIENT,
        **options,
    )


@pytest.fixture()
def adapter(linkedin: LinkedInEmulator) -> Iterator[LinkedInAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield adapter_for(linkedin, client)


def connect(
    linkedin: LinkedInEmulator,
    *,
    organization: str | None = None,
    admin: bool = True,
    scopes: tuple[str, ...] = ALL_SCOPES,
) -> AccountContext:
    """A member with a token; posting as a new organization when ``organization`` is named."""
    member, token = linkedin.create_member("Alice", "Example", scopes=scopes)
    author = member.urn
    if organization:
        org = linkedin.create_organization(organization, admins=[member] if admin else [])
        author = org.urn
    return AccountContext(
        platform=Platform.LINKEDIN,
        external_id=author,
        handle=organization or member.name,
        base_url=linkedin.base_url,
        credentials={"access_token": token, "member_urn": member.urn, "author_urn": author},
    )


def image(tmp_path: Path, name: str, alt: str = "") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG" + b"\x00" * 1020)
    return MediaFile(path=path, content_type="image/png", size_bytes=1024, alt_text=alt)


# Publishing


def test_a_member_post_is_created_and_its_urn_comes_from_the_header(linkedin, adapter) -> None:
    alice = connect(linkedin)

    published = adapter.publish(alice, PostContent(text="Hello, LinkedIn"), idempotency_key="k1")

    assert published.external_id.startswith("urn:li:share:")
    assert len(published.external_id.rsplit(":", 1)[1]) == 19
    assert published.permalink == f"https://www.linkedin.com/feed/update/{published.external_id}/"
    [sent] = linkedin.requests("POST", POSTS)
    assert sent.status == 201
    assert sent.headers["linkedin-version"] == VERSION
    assert sent.headers["x-restli-protocol-version"] == "2.0.0"
    body = sent.json()
    assert (body["author"], body["visibility"], body["lifecycleState"]) == (
        alice.external_id,
        "PUBLIC",
        "PUBLISHED",
    )
    assert linkedin.post_count(alice.external_id) == 1


def test_reserved_characters_are_escaped_so_linkedin_keeps_the_whole_text(
    linkedin, adapter
) -> None:
    alice = connect(linkedin)
    text = "Launch day (finally)! #product @team [beta] <3 *bold* _it_ ~x~ a|b {c} back\\slash"

    published = adapter.publish(alice, PostContent(text=text), idempotency_key="k-esc")

    [sent] = linkedin.requests("POST", POSTS)
    assert sent.json()["commentary"] == escape_linkedin(text)
    assert sent.json()["commentary"].startswith("Launch day \\(finally\\)! \\#product \\@team")
    assert linkedin.posts[published.external_id].commentary == escape_linkedin(text)


def test_posting_as_an_organization_the_member_administers(linkedin, adapter) -> None:
    page = connect(linkedin, organization="Acme Corp")

    published = adapter.publish(page, PostContent(text="News from Acme"), idempotency_key="k-org")

    assert linkedin.posts[published.external_id].author == page.external_id
    assert page.external_id.startswith("urn:li:organization:")


def test_an_organization_the_member_does_not_run_is_refused(linkedin, adapter) -> None:
    page = connect(linkedin, organization="Someone Else Inc", admin=False)

    with pytest.raises(Rejected) as refused:
        adapter.publish(page, PostContent(text="Not mine to say"), idempotency_key="k-403")

    assert refused.value.http_status == 403 and refused.value.code == "forbidden"
    assert "admins" in refused.value.message
    assert (refused.value.platform_message or "").startswith("Not enough permissions")
    assert linkedin.post_count() == 0


def test_a_retired_api_version_says_update_socialmuse(linkedin) -> None:
    alice = connect(linkedin)
    with httpx.Client(timeout=5.0) as client:
        outdated = adapter_for(linkedin, client, version="202401")

        with pytest.raises(Rejected) as refused:
            outdated.publish(alice, PostContent(text="From the past"), idempotency_key="k-v")

    assert refused.value.http_status == 426 and refused.value.code == "api_version_retired"
    assert refused.value.platform_message == "Requested version 202401 is not active"
    assert "Update SocialMuse" in refused.value.message
    assert linkedin.post_count() == 0


def test_a_daily_limit_waits_until_the_next_midnight_utc() -> None:
    for linkedin in serve(member_daily_limits={"posts.create": 2}):
        alice = connect(linkedin)
        with httpx.Client(timeout=5.0) as client:
            adapter = adapter_for(linkedin, client)
            for n in range(2):
                adapter.publish(alice, PostContent(text=f"post {n}"), idempotency_key=f"k{n}")

            with pytest.raises(RateLimited) as limited:
                adapter.publish(alice, PostContent(text="one too many"), idempotency_key="k2")

            assert limited.value.retry_at == datetime(2026, 11, 26, tzinfo=UTC)
            assert limited.value.platform_message == (
                "Resource level throttle limit for calls to this resource is reached."
            )
            linkedin.advance(limited.value.retry_at - START)
            adapter.publish(alice, PostContent(text="a new day"), idempotency_key="k3")
        assert linkedin.post_count() == 3


def test_the_same_words_twice_are_rejected_naming_the_earlier_post(linkedin, adapter) -> None:
    alice = connect(linkedin)
    first = adapter.publish(alice, PostContent(text="Said it once"), idempotency_key="k-a")

    with pytest.raises(Rejected) as refused:
        adapter.publish(alice, PostContent(text="Said it once"), idempotency_key="k-b")

    assert refused.value.http_status == 422 and refused.value.code == "duplicate"
    assert first.permalink in refused.value.message
    assert (refused.value.platform_message or "").endswith(
        f"Content is a duplicate of {first.external_id}"
    )
    assert linkedin.post_count() == 1


# Tokens


def test_an_expired_token_without_a_refresh_token_means_reconnect(linkedin, adapter) -> None:
    alice = connect(linkedin)
    linkedin.expire_token(alice.credentials["access_token"])

    with pytest.raises(AuthExpired) as expired:
        adapter.publish(alice, PostContent(text="Still there?"), idempotency_key="k-exp")
    assert expired.value.code == "token_expired" and expired.value.http_status == 401
    assert expired.value.platform_message == "The token used in the request has expired"

    with pytest.raises(AuthExpired) as refused:
        adapter.refresh(alice)
    assert refused.value.code == "reconnect_needed" and "Reconnect" in refused.value.message


def test_an_unknown_token_is_invalid_and_means_reconnect(linkedin, adapter) -> None:
    alice = connect(linkedin)
    alice.credentials["access_token"] = "not-a-token"

    with pytest.raises(AuthExpired) as invalid:
        adapter.publish(alice, PostContent(text="Hello?"), idempotency_key="k-inv")

    assert invalid.value.code == "token_invalid"
    assert invalid.value.platform_message == "Invalid access token"


# No duplicates, no losses


def test_error_after_save_is_unknown_and_reconcile_finds_the_post(linkedin, adapter) -> None:
    alice = connect(linkedin)
    content = PostContent(text="Saved, but the answer was lost (really)")
    linkedin.inject(Fault("POST", POSTS, "error_after_save"))

    with pytest.raises(OutcomeUnknown):
        adapter.publish(alice, content, idempotency_key="k-500")
    assert linkedin.post_count() == 1

    found = adapter.find_published(alice, content, idempotency_key="k-500")

    [saved] = linkedin.posts.values()
    assert found is not None and found.external_id == saved.urn
    assert linkedin.post_count() == 1


def test_timeout_after_save_is_unknown_and_reconcile_finds_the_post(linkedin) -> None:
    alice = connect(linkedin)
    content = PostContent(text="Slow network today")
    linkedin.inject(Fault("POST", POSTS, "timeout_after_save", delay=1.5))
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.3)) as impatient:
        adapter = adapter_for(linkedin, impatient)

        with pytest.raises(OutcomeUnknown) as unknown:
            adapter.publish(alice, content, idempotency_key="k-slow")
        assert unknown.value.code == "no_answer"

        found = adapter.find_published(alice, content, idempotency_key="k-slow")

    assert found is not None and linkedin.post_count() == 1


def test_a_5xx_before_saving_is_unknown_and_reconcile_finds_nothing(linkedin, adapter) -> None:
    alice = connect(linkedin)
    content = PostContent(text="Never arrived")
    linkedin.inject(Fault("POST", POSTS, "status", status=503))

    with pytest.raises(OutcomeUnknown) as unknown:
        adapter.publish(alice, content, idempotency_key="k-503")
    assert unknown.value.http_status == 503

    assert adapter.find_published(alice, content, idempotency_key="k-503") is None
    adapter.publish(alice, content, idempotency_key="k-503")
    assert linkedin.post_count() == 1


def test_without_read_access_the_retry_meets_duplicate_post_not_a_second_post(linkedin) -> None:
    alice = connect(linkedin, scopes=("openid", "profile", "w_member_social"))
    content = PostContent(text="Write-only app")
    linkedin.inject(Fault("POST", POSTS, "error_after_save"))
    with httpx.Client(timeout=5.0) as client:
        adapter = adapter_for(linkedin, client)
        with pytest.raises(OutcomeUnknown):
            adapter.publish(alice, content, idempotency_key="k-wo")

        assert adapter.find_published(alice, content, idempotency_key="k-wo") is None
        with pytest.raises(Rejected) as refused:
            adapter.publish(alice, content, idempotency_key="k-wo")

    [saved] = linkedin.posts.values()
    assert refused.value.code == "duplicate" and saved.urn in refused.value.message
    assert linkedin.post_count() == 1


def test_an_older_post_with_the_same_words_is_not_taken_for_this_one(linkedin, adapter) -> None:
    alice = connect(linkedin)
    adapter.publish(alice, PostContent(text="Good morning!"), idempotency_key="k-old")
    linkedin.advance(timedelta(days=3))

    found = adapter.find_published(alice, PostContent(text="Good morning!"), idempotency_key="k")

    assert found is None


def test_connection_refused_is_transient(adapter) -> None:
    nowhere = AccountContext(
        platform=Platform.LINKEDIN,
        external_id="urn:li:person:x",
        handle="Nobody",
        base_url=f"http://127.0.0.1:{free_port()}",
        credentials={"access_token": "t"},
    )

    with pytest.raises(Transient):
        adapter.publish(nowhere, PostContent(text="Hello?"), idempotency_key="k")


# Images and first comments


def test_images_are_uploaded_and_polled_until_available_then_attached(
    linkedin, adapter, tmp_path
) -> None:
    alice = connect(linkedin)
    photos = (image(tmp_path, "a.png", alt="A sunrise"), image(tmp_path, "b.png"))

    published = adapter.publish(
        alice, PostContent(text="Two photos", media=photos), idempotency_key="k-img"
    )

    content = linkedin.posts[published.external_id].content or {}
    images = content["multiImage"]["images"]
    assert [i["altText"] for i in images] == ["A sunrise", ""]
    assert all(linkedin.images[i["id"]].status == "AVAILABLE" for i in images)
    assert [r.status for r in linkedin.requests("PUT", "/dms-uploads/")] == [201, 201]
    assert linkedin.images[images[0]["id"]].size == 1024
    assert len(linkedin.requests("GET", "/rest/images/")) == 6  # PROCESSING, PROCESSING, AVAILABLE


def test_one_image_is_posted_as_media(linkedin, adapter, tmp_path) -> None:
    page = connect(linkedin, organization="Acme Corp")

    published = adapter.publish(
        page,
        PostContent(text="One photo", media=(image(tmp_path, "a.png", alt="Logo"),)),
        idempotency_key="k-one",
    )

    media = (linkedin.posts[published.external_id].content or {})["media"]
    assert media["altText"] == "Logo"
    assert linkedin.images[media["id"]].owner == page.external_id


def test_the_first_comment_is_a_comment_by_the_author(linkedin, adapter) -> None:
    alice = connect(linkedin)
    content = PostContent(text="Read the link below", first_comment="https://example.com/more")

    published = adapter.publish(alice, content, idempotency_key="k-fc")

    [comment] = linkedin.comments[published.external_id]
    assert published.part_ids == (comment.urn(f"urn:li:activity:{comment.object[13:]}"),)
    assert (comment.actor, comment.text) == (alice.external_id, "https://example.com/more")


def test_a_lost_first_comment_is_added_by_reconcile_without_reposting(linkedin, adapter) -> None:
    alice = connect(linkedin)
    content = PostContent(text="Post with a comment", first_comment="The comment")
    linkedin.inject(Fault("POST", "/rest/socialActions/", "status", status=500))

    with pytest.raises(OutcomeUnknown) as unknown:
        adapter.publish(alice, content, idempotency_key="k-part")
    assert unknown.value.code == "partly_published"

    found = adapter.find_published(alice, content, idempotency_key="k-part")
    again = adapter.find_published(alice, content, idempotency_key="k-part")

    assert found is not None and again == found
    assert linkedin.post_count() == 1
    assert [c.text for c in linkedin.comments[found.external_id]] == ["The comment"]


def test_the_adapter_speaks_the_adapter_and_oauth_protocols() -> None:
    adapter = LinkedInAdapter(client_id="id", client_secret="secret")

    assert isinstance(adapter, Adapter) and isinstance(adapter, OAuthConnect)
    assert adapter.platform is Platform.LINKEDIN


def test_video_and_threads_are_problems_before_anything_is_sent(adapter, tmp_path) -> None:
    clip = MediaFile(tmp_path / "c.mp4", "video/mp4", 4096)

    problems = adapter.validate(PostContent(text="A clip", media=(clip,), thread=("part 2",)))

    assert {p.code for p in problems} == {"video_unsupported", "thread_unsupported"}
    assert all("LinkedIn" in p.message for p in problems)


# Connecting


def test_oauth_round_trip_lists_the_member_and_their_pages(linkedin, adapter) -> None:
    member, _ = linkedin.create_member("Carol", "Jones")
    linkedin.create_organization("Acme Corp", admins=[member], followers=10)
    linkedin.create_organization("Other Org")
    redirect = "http://localhost:3000/oauth/linkedin/callback"

    url = adapter.authorization_url(redirect_uri=redirect, state="state-123", code_challenge="c")
    approval = httpx.get(url, follow_redirects=False)
    landing = urlsplit(approval.headers["location"])
    query = parse_qs(landing.query)
    assert approval.status_code == 302 and landing.path == "/oauth/linkedin/callback"
    assert query["state"] == ["state-123"]
    assert parse_qs(urlsplit(url).query)["scope"] == [
        "openid profile w_member_social w_organization_social r_organization_social "
        "rw_organization_admin"
    ]

    connected = adapter.exchange_code(code=query["code"][0], redirect_uri=redirect)

    assert connected.external_id == member.urn and connected.handle == "Carol Jones"
    assert connected.token_expires_at == START + timedelta(days=60) - timedelta(seconds=1)
    assert "refresh_token" not in connected.credentials
    account = AccountContext(
        Platform.LINKEDIN,
        connected.external_id,
        connected.handle,
        linkedin.base_url,
        dict(connected.credentials),
    )
    authors = adapter.list_authors(account)
    assert [(a.kind, a.name, a.role) for a in authors] == [
        ("member", "Carol Jones", None),
        ("organization", "Acme Corp", "ADMINISTRATOR"),
    ]

    page = adapter.as_author(connected, authors[1])
    assert page.external_id == authors[1].urn and page.handle == "acme-corp"
    page_account = AccountContext(
        Platform.LINKEDIN, page.external_id, page.handle, linkedin.base_url, page.credentials
    )
    published = adapter.publish(page_account, PostContent(text="Hi"), idempotency_key="k")
    assert linkedin.posts[published.external_id].author == authors[1].urn


def test_refresh_tokens_renew_access_but_not_their_own_365_days() -> None:
    for linkedin in serve(refresh_tokens=True):
        with httpx.Client(timeout=5.0) as client:
            adapter = adapter_for(linkedin, client)
            redirect = "http://localhost:3000/cb"
            url = adapter.authorization_url(redirect_uri=redirect, state="s")
            code = parse_qs(urlsplit(httpx.get(url).headers["location"]).query)["code"][0]
            connected = adapter.exchange_code(code=code, redirect_uri=redirect)
            alice = AccountContext(
                Platform.LINKEDIN,
                connected.external_id,
                connected.handle,
                linkedin.base_url,
                dict(connected.credentials),
            )
            held_until = alice.credentials["refresh_token_expires_at"]
            assert connected.token_expires_at == START + timedelta(days=365)

            linkedin.advance(timedelta(days=61))
            with pytest.raises(AuthExpired) as expired:
                adapter.publish(alice, PostContent(text="After two months"), idempotency_key="k")
            assert expired.value.code == "token_expired"

            renewed = adapter.refresh(alice)
            assert alice.credentials_changed
            assert alice.credentials["refresh_token_expires_at"] == held_until
            assert renewed.token_expires_at == START + timedelta(days=365)
            adapter.publish(alice, PostContent(text="After two months"), idempotency_key="k")

            linkedin.advance(timedelta(days=305))
            with pytest.raises(AuthExpired) as refused:
                adapter.refresh(alice)
            assert refused.value.code == "refresh_refused"


# Metrics, comments, replies, deletes


def test_page_metrics_comments_reply_and_delete(linkedin, adapter) -> None:
    page = connect(linkedin, organization="Acme Corp")
    linkedin.organizations[page.external_id.rsplit(":", 1)[1]].followers = 42
    bob, _ = linkedin.create_member("Bob", "Reader")
    published = adapter.publish(
        page,
        PostContent(text="What do you think?", first_comment="Details inside"),
        idempotency_key="k-talk",
    )
    urn = published.external_id
    bobs = linkedin.add_comment(urn, bob.urn, "Looks great!")
    linkedin.set_reactions(urn, LIKE=5, PRAISE=2)
    linkedin.set_statistics(urn, impressionCount=900, clickCount=12, shareCount=3)

    metrics = adapter.fetch_post_metrics(page, urn)
    assert (metrics.impressions, metrics.clicks, metrics.shares) == (900, 12, 3)
    assert (metrics.likes, metrics.comments) == (7, 2)
    assert adapter.fetch_account_metrics(page).followers == 42

    [comment] = adapter.fetch_comments(page, urn)
    activity = f"urn:li:activity:{urn.rsplit(':', 1)[1]}"
    assert (comment.external_id, comment.author_handle, comment.text) == (
        bobs.urn(activity),
        bob.urn,
        "Looks great!",
    )
    later = comment.created_at + timedelta(seconds=1)
    assert adapter.fetch_comments(page, urn, since=later) == []

    answer = adapter.reply(page, comment.external_id, "Thank you!", idempotency_key="k-reply")
    [nested] = [c for c in linkedin.comments[urn] if c.text == "Thank you!"]
    assert nested.parent == comment.external_id and nested.actor == page.external_id
    assert answer.permalink.startswith(f"https://www.linkedin.com/feed/update/{activity}/")

    adapter.delete(page, urn)
    adapter.delete(page, urn)  # already gone counts as deleted
    assert linkedin.post_count() == 0


def test_a_member_post_has_reactions_and_comments_but_no_impressions(linkedin, adapter) -> None:
    alice = connect(linkedin)
    published = adapter.publish(alice, PostContent(text="Personal news"), idempotency_key="k-m")
    linkedin.set_reactions(published.external_id, LIKE=3)

    metrics = adapter.fetch_post_metrics(alice, published.external_id)

    assert (metrics.likes, metrics.comments, metrics.impressions) == (3, 0, None)
    with pytest.raises(Rejected) as unsupported:
        adapter.fetch_account_metrics(alice)
    assert unsupported.value.code == "unsupported"
