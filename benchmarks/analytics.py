"""Analytics at scale: 10,000,000 metric snapshots in PostgreSQL, every view's p95.

Loads about ``--snapshots`` post-metric snapshots (default 10 M: ``--accounts`` 500 over
``--days`` 180, posts on the real collection cadence) plus the account snapshots and the
rollups ingestion maintains (PostMetricLatest, MetricDaily), all with COPY through psycopg
into a dedicated database (dropped and rebuilt: never point it at one you care about).
Counts come from ``emulators.metrics_model``, the curve the emulators answer with.

Then times each service view for one brand (its accounts' share of the rows), including
building the plotly figure from the pandas frame, ``--repeat`` times after a warm-up, and
beside each a baseline: a plain aggregate over the same raw snapshot rows through the
(account, collected_at) B-tree. Target: p95 ≤ 150 ms per view.

Finally the ingestion rate: snapshots stored per second when collecting from an emulated
Mastodon (metrics evolving) through the real adapter, 8 threads like a worker.

Run from the repository root:
  .venv/bin/python benchmarks/analytics.py --snapshots 1000000      # a smaller size first
  .venv/bin/python benchmarks/analytics.py                          # 10 M
  --database-url postgresql+psycopg://postgres@127.0.0.1:5432/analytics_bench (the default)
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from _bench import emit, machine, pct

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/analytics_bench"
NETWORKS = ("x", "linkedin", "instagram", "facebook", "mastodon", "bluesky", "threads")
WITH_IMPRESSIONS = {"x", "linkedin", "instagram", "facebook", "threads"}
ZONES = ("Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney")


# ---------------------------------------------------------------- database


def prepare(url: str) -> None:
    """Create the database if needed, empty its schema, migrate it to head."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    os.environ["SOCIALMUSE_DATABASE_URL"] = url
    os.environ.setdefault("SOCIALMUSE_DATA_DIR", tempfile.mkdtemp(prefix="sm-analytics-"))
    os.environ.setdefault("SOCIALMUSE_ENV", "development")
    from socialmuse import db
    from socialmuse.settings import get_settings

    get_settings.cache_clear()
    db.reset_engine()
    engine = db.build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    db.migrate()


def _text(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def copy_rows(
    conn: Any, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> int:
    """COPY rows into ``table`` in 4 MB chunks; returns how many went in."""
    n = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(v) for v in row))
            buffer.write("\n")
            n += 1
            if buffer.tell() > 4_000_000:
                cp.write(buffer.getvalue())
                buffer = io.StringIO()
        cp.write(buffer.getvalue())
    return n


def raw_connection(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


# ---------------------------------------------------------------- data


class World:
    """Organization, brands and accounts made through the services (ids for the COPY)."""

    @classmethod
    def existing(cls) -> World:
        """The world a previous run loaded (``--reuse``), without the ingestion accounts."""
        from sqlmodel import col, select

        from socialmuse.db import session_scope
        from socialmuse.models import Brand, SocialAccount
        from socialmuse.services import auth

        world = cls.__new__(cls)
        with session_scope() as session:
            brands = session.exec(select(Brand).order_by(col(Brand.id))).all()
            world.organization_id = brands[0].organization_id
            world.actor = auth.operator_actor(session, organization_id=world.organization_id)
            world.brands = [(b.id or 0, b.timezone) for b in brands]
            zones = dict(world.brands)
            world.accounts = [
                (a.id or 0, a.brand_id, zones[a.brand_id], str(a.platform), a.external_id)
                for a in session.exec(select(SocialAccount).order_by(col(SocialAccount.id)))
                if a.external_id.startswith("bench-")
            ]
        return world

    def __init__(self, accounts: int, brands: int) -> None:
        from socialmuse.db import session_scope
        from socialmuse.models import SocialAccount
        from socialmuse.services import auth
        from socialmuse.services import brands as brand_service
        from socialmuse.services.organizations import create_organization_for

        with session_scope() as session:
            user = auth.create_user(
                session,
                email="analyst@example.com",
                password="a long analytics passphrase",
                name="Bench",
            )
            org = create_organization_for(session, user=user, name="Bench agency")
            self.organization_id = org.id or 0
            self.actor = auth.operator_actor(session, organization_id=self.organization_id)
            self.brands: list[tuple[int, str]] = []
            for b in range(brands):
                zone = ZONES[b % len(ZONES)]
                created = brand_service.create_brand(
                    session, actor=self.actor, name=f"Brand {b + 1}", timezone=zone
                )
                self.brands.append((created.id, zone))
            self.accounts: list[tuple[int, int, str, str, str]] = []  # id, brand, zone, net, ext
            for a in range(accounts):
                brand_id, zone = self.brands[a % brands]
                network = NETWORKS[a % len(NETWORKS)]
                row = SocialAccount(
                    organization_id=self.organization_id,
                    brand_id=brand_id,
                    platform=network,
                    external_id=f"bench-{a}",
                    handle=f"account{a}",
                    display_name=f"Account {a}",
                    credentials_encrypted="",
                )
                session.add(row)
                session.flush()
                self.accounts.append((row.id or 0, brand_id, zone, network, row.external_id))


def load(url: str, world: World, *, snapshots: int, days: int, now: datetime) -> dict[str, Any]:
    """Generate and COPY posts, targets, snapshots and rollups; returns counts and timings."""
    from socialmuse.emulators import metrics_model
    from socialmuse.services.metrics_collection import CADENCE

    start = now - timedelta(days=days)
    # Snapshots a post gathers: the cadence steps already due at ``now`` (about 17 for
    # posts older than 90 days, fewer for recent ones). Posts a day per account follow.
    avg_steps = (
        sum(
            sum(1 for c in CADENCE if d * 86400 + c.total_seconds() <= days * 86400)
            for d in range(days)
        )
        / days
    )
    per_day = snapshots / (len(world.accounts) * days * avg_steps)
    shares = [metrics_model.cumulative_share(c) for c in CADENCE]
    rng = random.Random(7)
    t0 = time.perf_counter()
    conn = raw_connection(url)
    conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
    heavy_indexes = [
        "ix_postmetricsnapshot_account_time",
        "ix_postmetricsnapshot_target_time",
        "ix_postmetricsnapshot_organization_id",
        "brin_postmetricsnapshot_collected_at",
    ]
    definitions = {
        row[0]: row[1]
        for row in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'postmetricsnapshot'"
            " AND indexname <> 'pk_postmetricsnapshot'"
        ).fetchall()
    }
    for name in heavy_indexes:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    posts: list[tuple[Any, ...]] = []
    targets: list[tuple[Any, ...]] = []
    latest: list[tuple[Any, ...]] = []
    schedules: list[tuple[Any, ...]] = []
    daily: dict[tuple[int, date], list[Any]] = {}
    texts = [
        "Morning routine #coffee #morning",
        "Launch day! #launch",
        "Tips for a calmer week #wellness",
        "Meet the team #team",
        "Weekend ideas #weekend #community",
    ]
    counts = {"posts": 0, "snapshots": 0}

    def day_row(account: tuple[int, int, str, str, str], day: date) -> list[Any]:
        key = (account[0], day)
        if key not in daily:
            # impressions, engagements, likes, comments, shares, clicks, posts, followers
            daily[key] = [account[1], account[3], 0, 0, 0, 0, 0, 0, 0, None]
        return daily[key]

    def snapshot_rows() -> Iterator[tuple[Any, ...]]:
        pid = 0
        for account in world.accounts:
            account_id, brand_id, zone_name, network, external = account
            zone = ZoneInfo(zone_name)
            favourite = (account_id % 5, 8 + account_id % 5)
            audience = metrics_model.followers(external, start)
            for d in range(days):
                n = int(per_day) + (1 if rng.random() < per_day % 1 else 0)
                for _ in range(n):
                    pid += 1
                    if rng.random() < 0.3:
                        local_day = (start + timedelta(days=d)).astimezone(zone)
                        shift = (favourite[0] - local_day.weekday()) % 7
                        at = (
                            local_day.replace(hour=favourite[1], minute=rng.randrange(60))
                            + timedelta(days=shift)
                        ).astimezone(UTC)
                    else:
                        at = start + timedelta(days=d, seconds=rng.randrange(86400))
                    if at > now - timedelta(hours=1):
                        at = now - timedelta(hours=1, seconds=rng.randrange(86400))
                    posts.append(
                        (
                            pid,
                            world.organization_id,
                            brand_id,
                            "published",
                            texts[pid % len(texts)],
                            at,
                            at,
                            at,
                            at,
                        )
                    )
                    targets.append((pid, world.organization_id, pid, account_id, at, at, f"t{pid}"))
                    total = metrics_model.lifetime(f"t{pid}", network, audience)
                    day_row(account, at.astimezone(zone).date())[8] += 1
                    prev = (0, 0, 0, 0, 0, 0)
                    last: tuple[Any, ...] | None = None
                    step = 0
                    for step, offset in enumerate(CADENCE):
                        collected = at + offset
                        if collected > now:
                            break
                        s = shares[step]
                        likes, comments = int(total.likes * s), int(total.comments * s)
                        shared, saves = int(total.shares * s), int(total.saves * s)
                        has_impr = network in WITH_IMPRESSIONS
                        impressions = int(total.impressions * s) if has_impr else None
                        clicks = int(total.clicks * s) if has_impr else None
                        engagements = likes + comments + shared + saves + (clicks or 0)
                        last = (
                            world.organization_id,
                            pid,
                            account_id,
                            collected,
                            impressions,
                            likes,
                            comments,
                            shared,
                            clicks,
                            saves,
                            engagements,
                            "{}",
                        )
                        yield last
                        values = (
                            impressions or 0,
                            engagements,
                            likes,
                            comments,
                            shared,
                            clicks or 0,
                        )
                        row = day_row(account, collected.astimezone(zone).date())
                        for i in range(6):
                            row[2 + i] += values[i] - prev[i]
                        prev = values
                    else:
                        step = len(CADENCE)
                    if last is not None:
                        latest.append(
                            (
                                pid,
                                world.organization_id,
                                brand_id,
                                pid,
                                account_id,
                                network,
                                at,
                                last[3],
                                last[4],
                                last[5],
                                last[6],
                                last[7],
                                last[8],
                                last[9],
                                last[10],
                            )
                        )
                    schedules.append(
                        (
                            pid,
                            world.organization_id,
                            account_id,
                            at,
                            step,
                            at + CADENCE[min(step, len(CADENCE) - 1)],
                            0,
                            step >= len(CADENCE),
                        )
                    )
            counts["posts"] = pid

    with conn.transaction():
        counts["snapshots"] = copy_rows(
            conn,
            "postmetricsnapshot",
            (
                "organization_id",
                "target_id",
                "social_account_id",
                "collected_at",
                "impressions",
                "likes",
                "comments",
                "shares",
                "clicks",
                "saves",
                "engagements",
                "extra",
            ),
            snapshot_rows(),
        )
    generated = time.perf_counter() - t0
    t1 = time.perf_counter()
    with conn.transaction():
        copy_rows(
            conn,
            "post",
            (
                "id",
                "organization_id",
                "brand_id",
                "status",
                "text",
                "scheduled_at",
                "published_at",
                "created_at",
                "updated_at",
                "thread_parts",
                "is_evergreen",
                "approval_step",
                "source",
            ),
            ((*p, "[]", False, 0, "bench") for p in posts),
        )
        copy_rows(
            conn,
            "posttarget",
            (
                "id",
                "organization_id",
                "post_id",
                "social_account_id",
                "scheduled_at",
                "published_at",
                "external_id",
                "status",
                "options",
                "attempt_count",
                "idempotency_key",
                "created_at",
                "updated_at",
            ),
            ((*t, "published", "{}", 1, f"bench-{t[0]}", t[4], t[4]) for t in targets),
        )
        copy_rows(
            conn,
            "postmetriclatest",
            (
                "target_id",
                "organization_id",
                "brand_id",
                "post_id",
                "social_account_id",
                "platform",
                "published_at",
                "collected_at",
                "impressions",
                "likes",
                "comments",
                "shares",
                "clicks",
                "saves",
                "engagements",
            ),
            latest,
        )
        copy_rows(
            conn,
            "postmetricschedule",
            (
                "target_id",
                "organization_id",
                "social_account_id",
                "published_at",
                "collect_step",
                "next_collect_at",
                "failures",
                "finished",
            ),
            schedules,
        )
        audience_rows = []
        for account in world.accounts:
            zone = ZoneInfo(account[2])
            for d in range(days + 1):
                at = min(start + timedelta(days=d, hours=22), now)
                followers = metrics_model.followers(account[4], at)
                audience_rows.append((world.organization_id, account[0], at, followers, 100, None))
                day_row(account, at.astimezone(zone).date())[9] = followers
        copy_rows(
            conn,
            "accountmetricsnapshot",
            (
                "organization_id",
                "social_account_id",
                "collected_at",
                "followers",
                "following",
                "posts_count",
            ),
            audience_rows,
        )
        copy_rows(
            conn,
            "metricdaily",
            (
                "organization_id",
                "brand_id",
                "social_account_id",
                "platform",
                "day",
                "impressions",
                "engagements",
                "likes",
                "comments",
                "shares",
                "clicks",
                "posts_published",
                "followers",
            ),
            ((world.organization_id, v[0], k[0], v[1], k[1], *v[2:]) for k, v in daily.items()),
        )
        for table in ("post", "posttarget"):
            conn.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    rest = time.perf_counter() - t1
    t2 = time.perf_counter()
    for name in heavy_indexes:
        if name in definitions:
            conn.execute(definitions[name])
    conn.commit()
    indexed = time.perf_counter() - t2
    t3 = time.perf_counter()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")
    analyzed = time.perf_counter() - t3
    size = conn.execute(
        "SELECT pg_size_pretty(pg_total_relation_size('postmetricsnapshot'))"
    ).fetchone()
    conn.close()
    return {
        "posts": counts["posts"],
        "post_snapshots": counts["snapshots"],
        "account_snapshots": len(audience_rows),
        "metricdaily_rows": len(daily),
        "posts_per_account_day": round(per_day, 2),
        "snapshot_table_size": size[0] if size else "",
        "seconds": {
            "generate_and_copy_snapshots": round(generated, 1),
            "copy_posts_targets_rollups": round(rest, 1),
            "build_snapshot_indexes": round(indexed, 1),
            "vacuum_analyze": round(analyzed, 1),
        },
        "snapshots_copied_per_second": round(counts["snapshots"] / generated),
    }


# ---------------------------------------------------------------- timing


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up: plans, caches, imports
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def views(world: World, repeat: int, now: datetime, *, gc_freeze: bool = False) -> dict[str, Any]:
    """p50/p95 of each view for the first brand, and the raw-aggregate baseline."""
    from sqlalchemy import text

    from socialmuse import db
    from socialmuse.services import analytics

    brand_id, zone = world.brands[0]
    ids = [a[0] for a in world.accounts if a[1] == brand_id]
    today = now.astimezone(ZoneInfo(zone)).date()
    d30, d90 = today - timedelta(days=29), today - timedelta(days=89)
    actor = world.actor
    results: dict[str, Any] = {"brand_accounts": len(ids)}

    def with_session(body: Callable[[Any], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with db.session_scope() as session:
                return body(session)

        return run

    checks = {
        "summary (30 days vs previous 30)": (
            with_session(
                lambda s: analytics.summary(s, actor=actor, brand_id=brand_id, start=d30, end=today)
            ),
            "SELECT count(*), sum(engagements), sum(impressions) FROM postmetricsnapshot "
            "WHERE social_account_id = ANY(:ids) AND collected_at >= :lo",
            60,
        ),
        "engagement_over_time (90 days) + figure": (
            with_session(
                lambda s: analytics.engagement_figure(
                    analytics.engagement_over_time(
                        s, actor=actor, brand_id=brand_id, start=d90, end=today
                    )
                )
            ),
            "SELECT date_trunc('day', collected_at), sum(engagements) FROM postmetricsnapshot "
            "WHERE social_account_id = ANY(:ids) AND collected_at >= :lo GROUP BY 1",
            90,
        ),
        "network_comparison (90 days) + figure": (
            with_session(
                lambda s: analytics.network_figure(
                    analytics.network_comparison(
                        s, actor=actor, brand_id=brand_id, start=d90, end=today
                    )
                )
            ),
            "SELECT social_account_id, sum(engagements), sum(impressions) FROM "
            "postmetricsnapshot WHERE social_account_id = ANY(:ids) AND collected_at >= :lo "
            "GROUP BY 1",
            90,
        ),
        "top_posts (30 days, by engagements, page 3)": (
            with_session(
                lambda s: analytics.top_posts(
                    s,
                    actor=actor,
                    brand_id=brand_id,
                    start=d30,
                    end=today,
                    order_by="engagements",
                    limit=20,
                    offset=40,
                )
            ),
            "SELECT DISTINCT ON (target_id) target_id, engagements FROM postmetricsnapshot "
            "WHERE social_account_id = ANY(:ids) AND collected_at >= :lo "
            "ORDER BY target_id, collected_at DESC",
            30,
        ),
        "best_times (one account, 180 days) + heatmap": (
            with_session(
                lambda s: analytics.best_times_figure(
                    analytics.best_times(s, actor=actor, account_id=ids[0], now=now)
                )
            ),
            "SELECT extract(dow from collected_at), count(*), sum(engagements) FROM "
            "postmetricsnapshot WHERE social_account_id = ANY(:one) AND collected_at >= :lo "
            "GROUP BY 1",
            180,
        ),
        "follower_growth (90 days) + figure": (
            with_session(
                lambda s: analytics.follower_figure(
                    analytics.follower_growth(
                        s, actor=actor, brand_id=brand_id, start=d90, end=today
                    )
                )
            ),
            "SELECT social_account_id, date_trunc('day', collected_at), max(followers) FROM "
            "accountmetricsnapshot WHERE social_account_id = ANY(:ids) AND collected_at >= :lo "
            "GROUP BY 1, 2",
            90,
        ),
    }
    engine = db.get_engine()
    if gc_freeze:
        for view, _sql, _days in checks.values():
            view()  # import and initialise everything the views touch, then freeze it
        gc.collect()
        gc.freeze()
    results["gc_freeze"] = gc_freeze
    for name, (view, baseline_sql, days) in checks.items():
        view_ms = timed(view, repeat)
        params = {"ids": ids, "one": ids[:1], "lo": now - timedelta(days=days)}

        def baseline(sql: str = baseline_sql, p: dict[str, Any] = params) -> None:
            with engine.connect() as conn:
                conn.execute(text(sql), p).all()

        base_ms = timed(baseline, max(5, repeat // 5))
        results[name] = {
            "p50_ms": round(pct(view_ms, 50), 1),
            "p95_ms": round(pct(view_ms, 95), 1),
            "baseline_p95_ms": round(pct(base_ms, 95), 1),
            "ratio_p95": round(pct(view_ms, 95) / pct(base_ms, 95), 3),
            "target_met": pct(view_ms, 95) <= 150,
        }
    return results


def ingestion(world: World, targets: int, threads: int) -> dict[str, Any]:
    """Snapshots stored per second collecting from an emulated Mastodon, real adapter."""
    import httpx

    from socialmuse import db
    from socialmuse.emulators.base import EmulatorServer
    from socialmuse.emulators.mastodon import MastodonEmulator
    from socialmuse.models import Brand, Post, PostTarget, SocialAccount, utcnow
    from socialmuse.models.enums import Platform, PostStatus, TargetStatus
    from socialmuse.platforms.mastodon import MastodonAdapter
    from socialmuse.platforms.registry import overridden
    from socialmuse.services import metrics_collection as mc
    from socialmuse.services.secrets import encrypt_json

    emulator = MastodonEmulator(api_limit=10**9)
    emulator.evolve_metrics = True
    with EmulatorServer(emulator), httpx.Client(timeout=10.0) as client:
        adapter = MastodonAdapter(client)
        now = utcnow()
        with db.session_scope() as session:
            brand = session.get(Brand, world.brands[-1][0])  # not the brand the views read
            assert brand is not None
            accounts = []
            for a in range(10):
                acct, token = emulator.create_account(f"ingest{a}", followers=1000)
                row = SocialAccount(
                    organization_id=brand.organization_id,
                    brand_id=brand.id or 0,
                    platform=Platform.MASTODON,
                    external_id=acct.id,
                    handle=f"ingest{a}",
                    instance_url=emulator.base_url,
                    credentials_encrypted=encrypt_json({"access_token": token}),
                )
                session.add(row)
                session.flush()
                accounts.append((row, acct))
            for n in range(targets):
                row, acct = accounts[n % len(accounts)]
                status = emulator.post_status(acct, {"status": f"ingest {n}"})
                post = Post(
                    organization_id=brand.organization_id,
                    brand_id=brand.id or 0,
                    status=PostStatus.PUBLISHED,
                    text=f"ingest {n}",
                    published_at=now - timedelta(hours=2),
                )
                session.add(post)
                session.flush()
                session.add(
                    PostTarget(
                        organization_id=brand.organization_id,
                        post_id=post.id or 0,
                        social_account_id=row.id or 0,
                        status=TargetStatus.PUBLISHED,
                        published_at=now - timedelta(hours=2),
                        external_id=status.id,
                    )
                )
            session.flush()
            mc.register_published(session, now=now, limit=targets + 10)
        with db.session_scope() as session:
            claims = mc.claim_due_posts(session, now=now, limit=targets)
        with overridden(Platform.MASTODON, adapter), ThreadPoolExecutor(threads) as pool:
            t = time.perf_counter()
            outcomes = list(pool.map(lambda c: mc.collect_post(c.target_id, c.step), claims))
            elapsed = time.perf_counter() - t
    stored = sum(1 for o in outcomes if o.status == "stored")
    return {
        "targets": len(claims),
        "stored": stored,
        "threads": threads,
        "seconds": round(elapsed, 2),
        "snapshots_per_second": round(stored / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--snapshots", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--brands", type=int, default=5)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--ingest-targets", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the views on the data a previous run loaded"
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after imports and warm-up (long-lived objects out of every collection)",
    )
    args = parser.parse_args()
    figures: dict[str, Any] = {"machine": machine()}
    now = datetime.now(UTC).replace(microsecond=0)
    if args.reuse:
        os.environ["SOCIALMUSE_DATABASE_URL"] = args.database_url
        os.environ.setdefault("SOCIALMUSE_DATA_DIR", tempfile.mkdtemp(prefix="sm-analytics-"))
        from socialmuse import db

        db.migrate()  # indexes added since the load
        world = World.existing()
        with raw_connection(args.database_url) as conn:
            figures["load"] = {
                "post_snapshots": conn.execute(
                    "SELECT count(*) FROM postmetricsnapshot"
                ).fetchone()[0],
                "reused": True,
            }
    else:
        prepare(args.database_url)
        world = World(args.accounts, args.brands)
        figures["load"] = load(
            args.database_url, world, snapshots=args.snapshots, days=args.days, now=now
        )
    figures["views"] = views(world, args.repeat, now, gc_freeze=args.gc_freeze)
    figures["ingestion"] = ingestion(world, args.ingest_targets, args.threads)
    emit("analytics", figures)


if __name__ == "__main__":
    main()
