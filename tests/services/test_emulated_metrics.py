"""Metrics through the real adapters against the emulators, whose counters grow with time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlmodel import Session, select

from socialmuse.emulators import metrics_model
from socialmuse.emulators.base import EmulatorServer, Fault
from socialmuse.emulators.bluesky import BlueskyEmulator
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.emulators.x import XEmulator
from socialmuse.models import SocialAccount
from socialmuse.models.enums import Platform
from socialmuse.models.metrics import PostMetricSnapshot
from socialmuse.platforms.base import AccountContext, ConnectedAccount, PostContent
from socialmuse.platforms.bluesky import BlueskyAdapter
from socialmuse.platforms.mastodon import MastodonAdapter
from socialmuse.platforms.registry import overridden
from socialmuse.platforms.x import XAdapter
from socialmuse.services import accounts, metrics_collection
from tests.factories import brand, owner
from tests.services.analytics_helpers import published

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_model_shape_front_loads_engagement_and_grows_followers_slowly() -> None:
    day = metrics_model.cumulative_share(timedelta(days=1))
    assert 0.8 < day < 0.9 and metrics_model.cumulative_share(timedelta(days=90)) > 0.99
    a = metrics_model.followers("acct", T0)
    b = metrics_model.followers("acct", T0 + timedelta(days=30))
    assert a < b < a * 1.2
    counts = metrics_model.post_counts("p1", "linkedin", 1000, timedelta(days=2))
    assert counts == metrics_model.post_counts("p1", "linkedin", 1000, timedelta(days=2))
    assert 0 < counts.engagements < counts.impressions


def test_x_collection_through_the_adapter_stores_the_emulators_growing_counts(
    session: Session,
) -> None:
    clock = [T0]
    x = XEmulator(clock=lambda: clock[0], access_ttl=timedelta(days=30))
    x.evolve_metrics = True
    with EmulatorServer(x), httpx.Client(timeout=5.0) as client:
        app = x.default_client
        adapter = XAdapter(
            client,
            client_id=app.client_id,
            client_secret=app.client_secret,
            api_url=x.base_url,
            authorize_url=f"{x.base_url}/i/oauth2/authorize",
        )
        user, tokens = x.create_user("cafe", followers=2000)
        ctx = AccountContext(
            platform=Platform.X,
            external_id=user.id,
            handle="cafe",
            base_url=x.base_url,
            credentials={
                "access_token": tokens["access_token"],
                "refresh_token": tokens["refresh_token"],
            },
        )
        tweet = adapter.publish(ctx, PostContent(text="Hello"), idempotency_key="k")
        person = owner(session)
        brand_id = brand(session, person, tz="UTC")
        stored = accounts.store_connection(
            session,
            actor=person.actor,
            brand_id=brand_id,
            platform=Platform.X,
            connected=ConnectedAccount(
                external_id=user.id,
                handle="cafe",
                display_name="Cafe",
                credentials=ctx.credentials,
            ),
        )
        session.commit()
        acct = session.get(SocialAccount, stored.id)
        assert acct is not None
        target = published(session, acct, T0, count=False)
        target.external_id = tweet.external_id
        session.add(target)
        session.commit()
        with overridden(Platform.X, adapter):
            readings = []
            for hours in (1, 6, 24):
                clock[0] = T0 + timedelta(hours=hours)
                report = metrics_collection.collect_due_inline(now=clock[0])
                assert report.stored >= 1
                readings.append(adapter.fetch_post_metrics(ctx, tweet.external_id))
            x.inject(Fault("GET", "/2/tweets/", "status", status=503))
            clock[0] = T0 + timedelta(days=3)
            failed = metrics_collection.collect_due_inline(now=clock[0])
            assert failed.retried == 1  # the post read failed; the daily audience read did not
    shots = session.exec(
        select(PostMetricSnapshot).where(PostMetricSnapshot.target_id == target.id)
    ).all()
    assert [s.impressions for s in shots] == [r.impressions for r in readings]
    assert shots[0].impressions and shots[0].impressions < shots[-1].impressions
    audience = metrics_collection.engagements_of(readings[-1])
    assert shots[-1].engagements == audience
    assert readings[-1].impressions and readings[-1].impressions > 2000 * 0.05


def test_mastodon_and_bluesky_counts_grow_with_the_posts_age() -> None:
    clock = [T0]
    masto = MastodonEmulator(clock=lambda: clock[0])
    masto.evolve_metrics = True
    with EmulatorServer(masto), httpx.Client(timeout=5.0) as client:
        account, token = masto.create_account("cafe", followers=3000)
        ctx = AccountContext(
            platform=Platform.MASTODON,
            external_id=account.id,
            handle="cafe",
            base_url=masto.base_url,
            credentials={"access_token": token},
        )
        adapter = MastodonAdapter(client)
        status = adapter.publish(ctx, PostContent(text="Hi fediverse"), idempotency_key="m1")
        clock[0] = T0 + timedelta(hours=1)
        early = adapter.fetch_post_metrics(ctx, status.external_id)
        clock[0] = T0 + timedelta(days=2)
        late = adapter.fetch_post_metrics(ctx, status.external_id)
        assert 0 < early.likes < late.likes and late.impressions is None
        assert adapter.fetch_account_metrics(ctx).followers > 3000
    bsky = BlueskyEmulator()
    bsky.evolve_metrics = True
    with EmulatorServer(bsky) as server, httpx.Client(timeout=5.0) as client:
        bsky.create_account("cafe.test", "pw", followers=5000)
        adapter_b = BlueskyAdapter(client)
        connected = adapter_b.connect_with_password(
            service_url=server.url, identifier="cafe.test", password="pw"
        )
        ctx_b = AccountContext(
            platform=Platform.BLUESKY,
            external_id=connected.external_id,
            handle="cafe.test",
            base_url=server.url,
            credentials=dict(connected.credentials),
        )
        post = adapter_b.publish(ctx_b, PostContent(text="Hi sky"), idempotency_key="b1")
        bsky.advance(3600)
        early_b = adapter_b.fetch_post_metrics(ctx_b, post.external_id)
        bsky.advance(2 * 86400)
        late_b = adapter_b.fetch_post_metrics(ctx_b, post.external_id)
        assert 0 < early_b.likes < late_b.likes
        assert adapter_b.fetch_account_metrics(ctx_b).followers > 5000


def test_threads_insights_and_linkedin_statistics_grow_too() -> None:
    from socialmuse.emulators.graph import GraphEmulator
    from socialmuse.emulators.linkedin import LinkedInEmulator
    from socialmuse.platforms.threads import ThreadsAdapter

    graph = GraphEmulator(clock_start=T0)
    graph.evolve_metrics = True
    with EmulatorServer(graph), httpx.Client(timeout=5.0) as client:
        adapter = ThreadsAdapter(
            client,
            media_url=lambda m: f"https://media.example/{m.path.name}",
            app_id=graph.app_id,
            app_secret=graph.app_secret,
            graph_host=graph.base_url,
            login_url=graph.base_url,
            clock=graph.now,
            sleep=lambda _: None,
        )
        user, token = graph.create_threads_user("bakery", followers=4000)
        ctx = AccountContext(
            Platform.THREADS, user.id, "bakery", graph.base_url, {"access_token": token}
        )
        post = adapter.publish(ctx, PostContent("Rye or spelt?"), idempotency_key="t1")
        graph.advance(timedelta(hours=1))
        early = adapter.fetch_post_metrics(ctx, post.external_id)
        graph.advance(timedelta(days=3))
        late = adapter.fetch_post_metrics(ctx, post.external_id)
        assert early.impressions and late.impressions and early.impressions < late.impressions
        assert early.likes <= late.likes and late.likes > 0
        assert adapter.fetch_account_metrics(ctx).followers > 4000
    linkedin = LinkedInEmulator(clock=lambda: T0)
    linkedin.evolve_metrics = True
    org = linkedin.create_organization("Acme", followers=800)
    assert linkedin.follower_count(org.id, org.followers) > 800
    from socialmuse.emulators.linkedin.state import Post as LinkedInPost

    share = LinkedInPost(
        urn="urn:li:share:1",
        author=f"urn:li:organization:{org.id}",
        commentary="Hello",
        visibility="PUBLIC",
        lifecycle_state="PUBLISHED",
        distribution={},
        content=None,
        created_at=T0 - timedelta(days=2),
    )
    grown = linkedin.grown_counts(share)
    assert grown is not None and grown.impressions > grown.engagements > 0
    linkedin.evolve_metrics = False
    assert linkedin.grown_counts(share) is None
