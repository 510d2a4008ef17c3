"""Competitor tracking through the emulated networks' public lookups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session, col, select

from socialmuse.emulators.base import EmulatorServer, Fault
from socialmuse.emulators.bluesky import BlueskyEmulator
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.emulators.x import XEmulator
from socialmuse.models import utcnow
from socialmuse.models.enums import Platform
from socialmuse.models.metrics import Competitor, CompetitorSnapshot
from socialmuse.platforms.base import ConnectedAccount
from socialmuse.platforms.bluesky import BlueskyAdapter
from socialmuse.platforms.mastodon import MastodonAdapter
from socialmuse.platforms.registry import overridden
from socialmuse.platforms.x import XAdapter
from socialmuse.services import accounts, competitors
from socialmuse.services.errors import ValidationError
from tests.factories import Person, brand, owner


@pytest.fixture()
def mastodon() -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator()
    with EmulatorServer(emulator):
        yield emulator


def _connect_mastodon(
    session: Session, person: Person, brand_id: int, emu: MastodonEmulator
) -> None:
    acct, token = emu.create_account("us", followers=10)
    accounts.store_connection(
        session,
        actor=person.actor,
        brand_id=brand_id,
        platform=Platform.MASTODON,
        connected=ConnectedAccount(
            external_id=acct.id,
            handle=f"us@{urlsplit(emu.base_url).netloc}",
            display_name="Us",
            credentials={"access_token": token},
        ),
        instance_url=emu.base_url,
    )
    session.commit()


def test_a_mastodon_competitor_is_added_collected_daily_and_compared(
    session: Session, mastodon: MastodonEmulator
) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    _connect_mastodon(session, person, brand_id, mastodon)
    rival, _token = mastodon.create_account("rival", display_name="Rival Roasters", followers=400)
    for n in range(3):
        status = mastodon.post_status(rival, {"status": f"Roasting batch {n}"})
        status.counters.update({"favourites": 10, "reblogs": 2, "replies": 1})
    with (
        httpx.Client(timeout=5.0) as client,
        overridden(Platform.MASTODON, MastodonAdapter(client)),
    ):
        added = competitors.add_competitor(
            session, actor=person.actor, brand_id=brand_id, platform="mastodon", handle="@rival"
        )
        session.commit()
        assert (added.handle, added.display_name, added.followers) == (
            "rival",
            "Rival Roasters",
            400,
        )
        with pytest.raises(ValidationError, match="already tracked"):
            competitors.add_competitor(
                session, actor=person.actor, brand_id=brand_id, platform="mastodon", handle="rival"
            )
        with pytest.raises(ValidationError, match="no account") as missing:
            competitors.add_competitor(
                session, actor=person.actor, brand_id=brand_id, platform="mastodon", handle="ghost"
            )
        assert missing.value.field == "handle"
        rival.followers = 460
        tomorrow = utcnow() + timedelta(days=1, minutes=1)
        from socialmuse import db

        with db.session_scope() as s:
            assert competitors.claim_due_competitors(s, now=tomorrow) == [added.id]
        with db.session_scope() as s:
            assert competitors.claim_due_competitors(s, now=tomorrow) == []
        mastodon.inject(Fault("GET", "/api/v1/accounts/lookup", "status", status=503))
        failed = competitors.collect_competitor(added.id, now=tomorrow)
        assert failed.status == "retry" and failed.retry_at and failed.retry_at > tomorrow
        assert competitors.collect_competitor(added.id, now=tomorrow).status == "stored"
    snaps = session.exec(
        select(
            CompetitorSnapshot.followers,
            CompetitorSnapshot.recent_posts,
            CompetitorSnapshot.recent_engagements,
        ).order_by(col(CompetitorSnapshot.collected_at))
    ).all()
    assert list(snaps) == [(400, 3, 39), (460, 3, 39)]  # the failure lost nothing
    table = competitors.compare(session, actor=person.actor, brand_id=brand_id, days=30)
    rows = {r.kind: r for r in table.rows}
    assert rows["competitor"].followers == 460 and rows["competitor"].follower_change == 60
    assert rows["competitor"].engagements_per_post == 13.0
    assert rows["own"].handle.startswith("us@") and table.reason is None
    listed = competitors.list_competitors(session, actor=person.actor, brand_id=brand_id)
    assert [c.followers for c in listed] == [460]
    competitors.remove_competitor(session, actor=person.actor, competitor_id=added.id)
    session.commit()
    assert competitors.list_competitors(session, actor=person.actor, brand_id=brand_id) == []
    assert session.exec(select(Competitor)).one().archived_at is not None


def test_a_network_without_a_connected_account_or_support_is_refused(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person)
    with pytest.raises(ValidationError, match="Connect a Bluesky account") as refused:
        competitors.add_competitor(
            session, actor=person.actor, brand_id=brand_id, platform="bluesky", handle="a.test"
        )
    assert refused.value.field == "platform"
    with pytest.raises(ValidationError, match="Bluesky, Mastodon and X"):
        competitors.add_competitor(
            session, actor=person.actor, brand_id=brand_id, platform="linkedin", handle="acme"
        )
    empty = competitors.compare(session, actor=person.actor, brand_id=brand_id)
    assert empty.rows == [] and empty.reason


def test_x_public_profile_reports_recent_engagement() -> None:
    x = XEmulator()
    with EmulatorServer(x), httpx.Client(timeout=5.0) as client:
        app = x.default_client
        adapter = XAdapter(
            client,
            client_id=app.client_id,
            client_secret=app.client_secret,
            api_url=x.base_url,
            authorize_url=f"{x.base_url}/i/oauth2/authorize",
        )
        me, tokens = x.create_user("us")
        rival, _ = x.create_user("rival", name="Rival", followers=900, following=12)
        from socialmuse.platforms.base import AccountContext, Rejected

        ctx = AccountContext(
            platform=Platform.X,
            external_id=me.id,
            handle="us",
            base_url=x.base_url,
            credentials={
                "access_token": tokens["access_token"],
                "refresh_token": tokens["refresh_token"],
            },
        )
        x.evolve_metrics = True
        from socialmuse.emulators.x.state import Tweet

        tweet = Tweet(x.new_id(), rival.id, "hi", "hi", [], x.now(), "c")
        tweet.conversation_id = tweet.id
        x.tweets[tweet.id] = tweet
        x.set_metrics(tweet.id, like_count=7, retweet_count=2, reply_count=1, quote_count=0)
        profile = adapter.fetch_public_profile(ctx, "@rival")
        assert (profile.display_name, profile.following, profile.posts) == ("Rival", 12, 1)
        assert profile.followers > 900  # set followers plus the model's growth
        assert (profile.recent_posts, profile.recent_engagements) == (1, 10)
        with pytest.raises(Rejected) as missing:
            adapter.fetch_public_profile(ctx, "nobody")
        assert missing.value.code == "not_found"


def test_bluesky_public_profile_and_author_feed() -> None:
    bsky = BlueskyEmulator()
    with EmulatorServer(bsky) as server, httpx.Client(timeout=5.0) as client:
        adapter = BlueskyAdapter(client)
        bsky.create_account("us.test", "pw-us", followers=5)
        bsky.create_account("rival.test", "pw-rival", display_name="Rival", followers=321)
        uri = bsky.add_post("rival.test", "hello sky")
        bsky.set_counts(uri, likes=4, reposts=1)
        connected = adapter.connect_with_password(
            service_url=server.url, identifier="us.test", password="pw-us"
        )
        from socialmuse.platforms.base import AccountContext

        ctx = AccountContext(
            platform=Platform.BLUESKY,
            external_id=connected.external_id,
            handle="us.test",
            base_url=server.url,
            credentials=dict(connected.credentials),
        )
        profile = adapter.fetch_public_profile(ctx, "rival.test")
        assert (profile.display_name, profile.followers, profile.posts) == ("Rival", 321, 1)
        assert (profile.recent_posts, profile.recent_engagements) == (1, 5)
