"""Analytics views: KPIs against the previous period, charts' data, top posts, best times.

Every function takes the actor and a brand (and optional account / network filters), and
reads only that organization's rows. They read the rollups kept on ingestion
(``MetricDaily`` per account per local day, ``PostMetricLatest`` per target), never the raw
snapshot tables, so a 90-day view costs a few thousand rows however many snapshots exist.
Days are the brand's local days (its IANA timezone), ranges are inclusive.

Results are pydantic models, or ``Frame`` (a pandas DataFrame plus a plain-words reason when
it is empty) that the ``*_figure`` helpers turn into plotly figures. Nothing here raises
on an empty range or an account without data: the reason says what is missing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
from pydantic import BaseModel
from sqlalchemy import Float, and_, cast, func, literal, nulls_last
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from socialmuse.models import (
    Brand,
    Campaign,
    Post,
    PostTarget,
    SocialAccount,
    utcnow,
)
from socialmuse.models.enums import AccountStatus, Platform, TargetStatus
from socialmuse.models.metrics import MetricDaily, PostMetricLatest
from socialmuse.services.accounts import PLATFORM_LABELS, AccountPublic, load_account, to_public
from socialmuse.services.brands import Action, load_brand
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import Actor

MAX_RANGE_DAYS = 731
NO_ACCOUNTS = "This brand has no accounts matching the filters."
NO_DATA = "No metrics were collected for these accounts in this date range yet."


# ---------------------------------------------------------------- scope and ranges


@dataclass(frozen=True)
class AccountRef:
    """The little of an account a view shows (no credentials loaded)."""

    id: int
    handle: str
    platform: str


@dataclass(frozen=True)
class Scope:
    """What one view may read: a brand, its timezone and the filtered account ids."""

    brand: Brand
    zone: ZoneInfo
    accounts: dict[int, AccountRef]

    @property
    def ids(self) -> list[int]:
        return list(self.accounts)


def _scope(
    session: Session,
    actor: Actor,
    brand_id: int,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> Scope:
    """The brand (checked against the actor) and its accounts after the filters.

    Disconnected accounts are kept: their history still belongs in the brand's numbers.
    Account ids of another brand or tenant are simply not matched.
    """
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    query = select(SocialAccount.id, SocialAccount.handle, SocialAccount.platform).where(
        SocialAccount.organization_id == actor.organization_id,
        SocialAccount.brand_id == brand_id,
    )
    if account_ids:
        query = query.where(col(SocialAccount.id).in_(account_ids))
    if platforms:
        query = query.where(col(SocialAccount.platform).in_(platforms))
    accounts = {
        int(i): AccountRef(id=int(i), handle=h, platform=str(p))
        for i, h, p in session.execute(query.order_by(col(SocialAccount.id))).all()
    }
    return Scope(brand=brand, zone=ZoneInfo(brand.timezone), accounts=accounts)


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("The end date is before the start date.", field="end")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError("Choose a range of at most two years.", field="start")


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length right before ``start``…``end``."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def last_days(brand_timezone: str, days: int, *, now: datetime | None = None) -> tuple[date, date]:
    """The last ``days`` local days, today included (what "last 30 days" means)."""
    today = (now or utcnow()).astimezone(ZoneInfo(brand_timezone)).date()
    return today - timedelta(days=max(days, 1) - 1), today


def _bounds(scope: Scope, start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at ``start`` and after ``end``."""
    lo = datetime.combine(start, time(), scope.zone).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(), scope.zone).astimezone(UTC)
    return lo, hi


@dataclass
class Frame:
    """A table ready for plotly, or empty with the reason why."""

    frame: pd.DataFrame
    reason: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.frame.empty


def _empty(columns: list[str], reason: str) -> Frame:
    return Frame(pd.DataFrame(columns=columns), reason)


def _rate(engagements: float | None, impressions: float | None) -> float | None:
    """Engagement rate in percent, or None when the network reports no impressions."""
    if not impressions:
        return None
    return round(100.0 * (engagements or 0) / impressions, 2)


# ---------------------------------------------------------------- KPIs


class Kpi(BaseModel):
    """One number against the previous period of equal length."""

    key: str
    label: str
    value: float | None
    previous: float | None
    change: float | None
    change_pct: float | None


class Summary(BaseModel):
    brand_id: int
    start: date
    end: date
    previous_start: date
    previous_end: date
    posts_published: Kpi
    impressions: Kpi
    engagements: Kpi
    engagement_rate: Kpi
    follower_growth: Kpi
    followers: int | None
    reason: str | None = None

    def kpis(self) -> list[Kpi]:
        return [
            self.posts_published,
            self.impressions,
            self.engagements,
            self.engagement_rate,
            self.follower_growth,
        ]


def _kpi(key: str, label: str, value: float | None, previous: float | None) -> Kpi:
    change = None if value is None or previous is None else round(value - previous, 2)
    pct = None if change is None or not previous else round(100.0 * change / abs(previous), 1)
    return Kpi(key=key, label=label, value=value, previous=previous, change=change, change_pct=pct)


def _totals(session: Session, ids: list[int], start: date, end: date) -> tuple[int, int, int]:
    row = session.execute(
        select(
            func.coalesce(func.sum(MetricDaily.posts_published), 0),
            func.coalesce(func.sum(MetricDaily.impressions), 0),
            func.coalesce(func.sum(MetricDaily.engagements), 0),
        ).where(
            col(MetricDaily.social_account_id).in_(ids),
            col(MetricDaily.day) >= start,
            col(MetricDaily.day) <= end,
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def _edge(session: Session, ids: list[int], lo: date, hi: date, *, newest: bool) -> dict[int, int]:
    """Each account's newest (or oldest) known end-of-day followers between two days.

    A window function keeps one row per account in the database, whatever the range.
    """
    day = col(MetricDaily.day)
    ranked = (
        select(
            col(MetricDaily.social_account_id).label("account_id"),
            col(MetricDaily.followers).label("followers"),
            func.row_number()
            .over(
                partition_by=col(MetricDaily.social_account_id),
                order_by=day.desc() if newest else day.asc(),
            )
            .label("rank"),
        )
        .where(
            col(MetricDaily.social_account_id).in_(ids),
            day >= lo,
            day <= hi,
            col(MetricDaily.followers).is_not(None),
        )
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.account_id, ranked.c.followers).where(ranked.c.rank == 1)
    ).all()
    return {int(account_id): int(followers) for account_id, followers in rows}


@dataclass(frozen=True)
class Audience:
    """Followers per account at the edges of a period (what growth is computed from)."""

    before: dict[int, int]  # the last value in the week before the period
    first: dict[int, int]  # the first value inside it
    last: dict[int, int]  # the last value inside it

    def growth(self, ids: Iterable[int] | None = None) -> int | None:
        """Followers gained: last value in the period minus the last one before it.

        An account first seen inside the period counts from its first value there; None
        when no account has a value in the period.
        """
        chosen = self.last.keys() if ids is None else [i for i in ids if i in self.last]
        if not chosen:
            return None
        return sum(self.last[i] - self.before.get(i, self.first[i]) for i in chosen)


def _audience(session: Session, ids: list[int], start: date, end: date) -> Audience:
    if not ids:
        return Audience({}, {}, {})
    return Audience(
        before=_edge(
            session, ids, start - timedelta(days=7), start - timedelta(days=1), newest=True
        ),
        first=_edge(session, ids, start, end, newest=False),
        last=_edge(session, ids, start, end, newest=True),
    )


def summary(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> Summary:
    """The dashboard's KPIs for ``start``…``end`` beside the previous period of equal length."""
    _check_range(start, end)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    prev_start, prev_end = previous_period(start, end)
    ids = scope.ids
    posts, impressions, engagements = _totals(session, ids, start, end) if ids else (0, 0, 0)
    p_posts, p_impr, p_eng = _totals(session, ids, prev_start, prev_end) if ids else (0, 0, 0)
    current, previous = (
        _audience(session, ids, start, end),
        _audience(session, ids, prev_start, prev_end),
    )
    growth, p_growth = current.growth(), previous.growth()
    latest = list(current.last.values())
    reason = None
    if not ids:
        reason = NO_ACCOUNTS
    elif not (posts or impressions or engagements or growth is not None):
        reason = NO_DATA
    return Summary(
        brand_id=brand_id,
        start=start,
        end=end,
        previous_start=prev_start,
        previous_end=prev_end,
        posts_published=_kpi("posts_published", "Posts published", posts, p_posts),
        impressions=_kpi("impressions", "Impressions", impressions, p_impr),
        engagements=_kpi("engagements", "Engagements", engagements, p_eng),
        engagement_rate=_kpi(
            "engagement_rate",
            "Engagement rate (%)",
            _rate(engagements, impressions),
            _rate(p_eng, p_impr),
        ),
        follower_growth=_kpi(
            "follower_growth",
            "Follower growth",
            None if growth is None else float(growth),
            None if p_growth is None else float(p_growth),
        ),
        followers=sum(latest) if latest else None,
        reason=reason,
    )


# ---------------------------------------------------------------- charts


def engagement_over_time(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> Frame:
    """Daily impressions, engagements and rate per network (columns day, platform, …)."""
    _check_range(start, end)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    columns = ["day", "platform", "network", "impressions", "engagements", "engagement_rate"]
    if not scope.ids:
        return _empty(columns, NO_ACCOUNTS)
    rows = session.execute(
        select(
            col(MetricDaily.day),
            col(MetricDaily.platform),
            func.sum(MetricDaily.impressions),
            func.sum(MetricDaily.engagements),
        )
        .where(
            col(MetricDaily.social_account_id).in_(scope.ids),
            col(MetricDaily.day) >= start,
            col(MetricDaily.day) <= end,
        )
        .group_by(col(MetricDaily.day), col(MetricDaily.platform))
        .order_by(col(MetricDaily.day), col(MetricDaily.platform))
    ).all()
    if not rows or not any(r[2] or r[3] for r in rows):
        return _empty(columns, NO_DATA)
    frame = pd.DataFrame(
        [(day, platform, int(i or 0), int(e or 0)) for day, platform, i, e in rows],
        columns=["day", "platform", "impressions", "engagements"],
    )
    frame["network"] = frame["platform"].map(lambda p: PLATFORM_LABELS[Platform(p)])
    impressions = frame["impressions"].where(frame["impressions"] > 0)
    frame["engagement_rate"] = (100.0 * frame["engagements"] / impressions).round(2)
    return Frame(frame[columns])


def engagement_figure(data: Frame) -> go.Figure:
    """One line per network: engagements per day."""
    figure = go.Figure()
    for network, part in data.frame.groupby("network", sort=True):
        figure.add_trace(
            go.Scatter(x=part["day"], y=part["engagements"], mode="lines", name=str(network))
        )
    figure.update_layout(title="Engagements per day", xaxis_title="Day", yaxis_title="Engagements")
    return figure


def network_comparison(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> Frame:
    """Per network: posts, impressions, engagements, rate, followers and their growth."""
    _check_range(start, end)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    columns = [
        "platform",
        "network",
        "accounts",
        "posts",
        "impressions",
        "engagements",
        "engagement_rate",
        "engagements_per_post",
        "followers",
        "follower_growth",
    ]
    if not scope.ids:
        return _empty(columns, NO_ACCOUNTS)
    rows = session.execute(
        select(
            MetricDaily.platform,
            func.sum(MetricDaily.posts_published),
            func.sum(MetricDaily.impressions),
            func.sum(MetricDaily.engagements),
        )
        .where(
            col(MetricDaily.social_account_id).in_(scope.ids),
            col(MetricDaily.day) >= start,
            col(MetricDaily.day) <= end,
        )
        .group_by(col(MetricDaily.platform))
    ).all()
    if not rows:
        return _empty(columns, NO_DATA)
    audience = _audience(session, scope.ids, start, end)
    members: dict[str, list[int]] = defaultdict(list)
    for account_id, account in scope.accounts.items():
        members[str(account.platform)].append(account_id)
    records = []
    for platform, posts_sum, impressions_sum, engagements_sum in rows:
        posts, impressions = int(posts_sum or 0), int(impressions_sum or 0)
        engagements = int(engagements_sum or 0)
        ends = [audience.last[i] for i in members[platform] if i in audience.last]
        records.append(
            {
                "platform": platform,
                "network": PLATFORM_LABELS[Platform(platform)],
                "accounts": len(members[platform]),
                "posts": posts,
                "impressions": impressions,
                "engagements": engagements,
                "engagement_rate": _rate(engagements, impressions),
                "engagements_per_post": round(engagements / posts, 1) if posts else None,
                "followers": sum(ends) if ends else None,
                "follower_growth": audience.growth(members[platform]),
            }
        )
    frame = pd.DataFrame(records, columns=columns).sort_values("engagements", ascending=False)
    return Frame(frame.reset_index(drop=True))


def network_figure(data: Frame) -> go.Figure:
    """Grouped bars per network: impressions and engagements."""
    frame = data.frame
    figure = go.Figure(
        [
            go.Bar(name="Impressions", x=frame["network"], y=frame["impressions"]),
            go.Bar(name="Engagements", x=frame["network"], y=frame["engagements"]),
        ]
    )
    figure.update_layout(barmode="group", title="Networks compared")
    return figure


def follower_growth(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> Frame:
    """End-of-day followers per account (columns day, account_id, handle, network, followers)."""
    _check_range(start, end)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    columns = ["day", "account_id", "handle", "platform", "network", "followers", "change"]
    if not scope.ids:
        return _empty(columns, NO_ACCOUNTS)
    # Streamed into three plain columns: no row objects pile up, so a long range does not
    # set off the garbage collector (measured: benchmarks/analytics.py, docs/performance.md).
    days: list[date] = []
    ids: list[int] = []
    values: list[int] = []
    for day, account_id, followers in session.execute(
        select(col(MetricDaily.day), col(MetricDaily.social_account_id), col(MetricDaily.followers))
        .where(
            col(MetricDaily.social_account_id).in_(scope.ids),
            col(MetricDaily.day) >= start,
            col(MetricDaily.day) <= end,
            col(MetricDaily.followers).is_not(None),
        )
        .order_by(col(MetricDaily.social_account_id), col(MetricDaily.day))
    ):
        days.append(day)
        ids.append(account_id)
        values.append(followers)
    if not days:
        return _empty(columns, "No follower counts were collected in this date range yet.")
    accounts = scope.accounts
    handles = {i: a.handle for i, a in accounts.items()}
    platform_of = {i: str(a.platform) for i, a in accounts.items()}
    networks = {i: PLATFORM_LABELS[Platform(a.platform)] for i, a in accounts.items()}
    frame = pd.DataFrame({"day": days, "account_id": ids, "followers": values})
    frame["handle"] = frame["account_id"].map(handles)
    frame["platform"] = frame["account_id"].map(platform_of)
    frame["network"] = frame["account_id"].map(networks)
    frame["change"] = frame.groupby("account_id")["followers"].diff().fillna(0).astype("int64")
    return Frame(frame[columns])


FIGURE_MAX_LINES = 12


def follower_figure(data: Frame) -> go.Figure:
    """One line per account, or per network (summed) when there are too many accounts to read.

    In the summed view a day on which an account has no reading carries its previous
    value, so a network's total does not dip because one account was read a day late.
    """
    frame = data.frame
    figure = go.Figure()
    if frame["account_id"].nunique() <= FIGURE_MAX_LINES:
        for (network, handle), part in frame.groupby(["network", "handle"], sort=True):
            figure.add_trace(
                go.Scatter(
                    x=part["day"], y=part["followers"], mode="lines", name=f"{handle} ({network})"
                )
            )
    else:
        wide = frame.pivot(index="day", columns="account_id", values="followers").ffill()
        network_of = frame.drop_duplicates("account_id").set_index("account_id")["network"]
        totals = wide.T.groupby(network_of).sum().T
        for network in sorted(totals.columns):
            figure.add_trace(
                go.Scatter(x=totals.index, y=totals[network], mode="lines", name=str(network))
            )
    figure.update_layout(title="Followers", xaxis_title="Day", yaxis_title="Followers")
    return figure


# ---------------------------------------------------------------- posts


class TopPost(BaseModel):
    target_id: int
    post_id: int
    account_id: int
    handle: str
    platform: str
    network: str
    text: str
    published_at: datetime
    impressions: int | None
    likes: int
    comments: int
    shares: int
    clicks: int | None
    engagements: int
    engagement_rate: float | None


class TopPosts(BaseModel):
    items: list[TopPost]
    total: int
    limit: int
    offset: int
    order_by: str
    reason: str | None = None


TOP_POST_ORDERS = (
    "engagements",
    "impressions",
    "likes",
    "comments",
    "shares",
    "clicks",
    "engagement_rate",
    "published_at",
)


NULLABLE_ORDERS = {"impressions", "clicks", "engagement_rate"}


def _rate_expr() -> Any:
    impressions = func.nullif(col(PostMetricLatest.impressions), 0)
    return cast(col(PostMetricLatest.engagements), Float) * literal(100.0) / impressions


def top_posts(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
    order_by: str = "engagements",
    descending: bool = True,
    limit: int = 20,
    offset: int = 0,
) -> TopPosts:
    """Posts published in the range with their latest counts, sorted and paged in the database."""
    _check_range(start, end)
    if order_by not in TOP_POST_ORDERS:
        raise ValidationError(f"Sort by one of: {', '.join(TOP_POST_ORDERS)}.", field="order_by")
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    if not scope.ids:
        return TopPosts(
            items=[], total=0, limit=limit, offset=offset, order_by=order_by, reason=NO_ACCOUNTS
        )
    lo, hi = _bounds(scope, start, end)
    where = and_(
        col(PostMetricLatest.organization_id) == actor.organization_id,
        col(PostMetricLatest.brand_id) == brand_id,
        col(PostMetricLatest.social_account_id).in_(scope.ids),
        col(PostMetricLatest.published_at) >= lo,
        col(PostMetricLatest.published_at) < hi,
    )
    total = int(
        session.execute(
            select(func.count()).select_from(PostMetricLatest).where(where)
        ).scalar_one()
    )
    key = _rate_expr() if order_by == "engagement_rate" else getattr(PostMetricLatest, order_by)
    ordered = key.desc() if descending else key.asc()
    if order_by in NULLABLE_ORDERS:  # networks without impressions or clicks sort last
        ordered = nulls_last(ordered)
    rows = session.execute(
        select(PostMetricLatest, Post.text, _rate_expr())
        .join(Post, col(Post.id) == col(PostMetricLatest.post_id))
        .where(where)
        .order_by(ordered, col(PostMetricLatest.target_id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    items = []
    for latest, text, rate in rows:
        account = scope.accounts[latest.social_account_id]
        items.append(
            TopPost(
                target_id=latest.target_id,
                post_id=latest.post_id,
                account_id=latest.social_account_id,
                handle=account.handle,
                platform=latest.platform,
                network=PLATFORM_LABELS[Platform(latest.platform)],
                text=text,
                published_at=latest.published_at,
                impressions=latest.impressions,
                likes=latest.likes,
                comments=latest.comments,
                shares=latest.shares,
                clicks=latest.clicks,
                engagements=latest.engagements,
                engagement_rate=round(float(rate), 2) if rate is not None else None,
            )
        )
    reason = None if total else "No posts with metrics were published in this date range."
    return TopPosts(
        items=items, total=total, limit=limit, offset=offset, order_by=order_by, reason=reason
    )


HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})", re.UNICODE)


def hashtags_of(text: str) -> set[str]:
    """Lower-cased hashtags of a text, each once (``#Coffee`` and ``#coffee`` are one)."""
    return {tag.lower() for tag in HASHTAG.findall(text)}


def _post_rows(
    session: Session, actor: Actor, scope: Scope, start: date, end: date
) -> list[tuple[Any, ...]]:
    lo, hi = _bounds(scope, start, end)
    return list(
        session.execute(
            sa_select(
                col(PostMetricLatest.post_id),
                col(Post.text),
                col(Post.campaign_id),
                col(PostMetricLatest.impressions),
                col(PostMetricLatest.engagements),
            )
            .join(Post, col(Post.id) == col(PostMetricLatest.post_id))
            .where(
                col(PostMetricLatest.organization_id) == actor.organization_id,
                col(PostMetricLatest.brand_id) == scope.brand.id,
                col(PostMetricLatest.social_account_id).in_(scope.ids),
                col(PostMetricLatest.published_at) >= lo,
                col(PostMetricLatest.published_at) < hi,
            )
        ).all()
    )


def hashtag_performance(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
    limit: int = 20,
) -> Frame:
    """Per hashtag: posts using it, engagements (total and per post), impressions, rate."""
    _check_range(start, end)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    columns = [
        "hashtag",
        "posts",
        "impressions",
        "engagements",
        "engagements_per_post",
        "engagement_rate",
    ]
    if not scope.ids:
        return _empty(columns, NO_ACCOUNTS)
    stats: dict[str, dict[str, Any]] = {}
    for post_id, text, _campaign, impressions, engagements in _post_rows(
        session, actor, scope, start, end
    ):
        for tag in hashtags_of(text):
            entry = stats.setdefault(tag, {"posts": set(), "impressions": 0, "engagements": 0})
            entry["posts"].add(post_id)
            entry["impressions"] += impressions or 0
            entry["engagements"] += engagements
    if not stats:
        return _empty(columns, "No post with a hashtag was published in this date range.")
    frame = pd.DataFrame(
        [
            {
                "hashtag": f"#{tag}",
                "posts": len(s["posts"]),
                "impressions": s["impressions"],
                "engagements": s["engagements"],
                "engagements_per_post": round(s["engagements"] / len(s["posts"]), 1),
                "engagement_rate": _rate(s["engagements"], s["impressions"]),
            }
            for tag, s in stats.items()
        ],
        columns=columns,
    )
    frame = frame.sort_values(["engagements", "hashtag"], ascending=[False, True]).head(limit)
    return Frame(frame.reset_index(drop=True))


def campaign_performance(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> Frame:
    """Per campaign (and "No campaign"): posts, impressions, engagements, rate."""
    _check_range(start, end)
    scope = _scope(session, actor, brand_id, account_ids, platforms)
    columns = [
        "campaign_id",
        "campaign",
        "posts",
        "impressions",
        "engagements",
        "engagements_per_post",
        "engagement_rate",
    ]
    if not scope.ids:
        return _empty(columns, NO_ACCOUNTS)
    grouped: dict[int | None, dict[str, Any]] = {}
    for post_id, _text, campaign_id, impressions, engagements in _post_rows(
        session, actor, scope, start, end
    ):
        entry = grouped.setdefault(
            campaign_id, {"posts": set(), "impressions": 0, "engagements": 0}
        )
        entry["posts"].add(post_id)
        entry["impressions"] += impressions or 0
        entry["engagements"] += engagements
    if not grouped:
        return _empty(columns, "No posts with metrics were published in this date range.")
    names = {
        c.id: c.name
        for c in session.exec(
            select(Campaign).where(
                Campaign.organization_id == actor.organization_id,
                col(Campaign.id).in_([k for k in grouped if k is not None]),
            )
        ).all()
    }
    frame = pd.DataFrame(
        [
            {
                "campaign_id": cid,
                "campaign": names.get(cid, "Unknown campaign") if cid else "No campaign",
                "posts": len(s["posts"]),
                "impressions": s["impressions"],
                "engagements": s["engagements"],
                "engagements_per_post": round(s["engagements"] / len(s["posts"]), 1),
                "engagement_rate": _rate(s["engagements"], s["impressions"]),
            }
            for cid, s in grouped.items()
        ],
        columns=columns,
    )
    return Frame(frame.sort_values("engagements", ascending=False).reset_index(drop=True))


# ---------------------------------------------------------------- best times

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_SAMPLE = 30  # posts in the lookback before the account's own history is trusted
MIN_SLOT_SAMPLE = 3  # posts in one weekday × hour before that slot is ranked
LOOKBACK = timedelta(days=180)

# Published industry studies (Sprout Social, Hootsuite, Buffer) agree on weekday mornings
# and lunchtime, local time; these are the starting points until an account has history.
NETWORK_DEFAULTS: dict[str, tuple[tuple[int, int, float], ...]] = {
    "x": ((1, 9, 1.0), (2, 9, 0.98), (3, 9, 0.95), (1, 12, 0.9), (2, 12, 0.88), (0, 10, 0.8)),
    "linkedin": ((1, 8, 1.0), (2, 9, 0.97), (3, 8, 0.95), (1, 12, 0.9), (2, 12, 0.88)),
    "facebook": ((2, 9, 1.0), (3, 9, 0.96), (4, 9, 0.93), (2, 13, 0.9), (1, 11, 0.85)),
    "instagram": ((1, 11, 1.0), (2, 11, 0.97), (3, 11, 0.95), (4, 10, 0.9), (2, 19, 0.85)),
    "threads": ((1, 9, 1.0), (2, 9, 0.96), (3, 12, 0.93), (4, 9, 0.88)),
    "mastodon": ((1, 10, 1.0), (2, 10, 0.97), (3, 10, 0.95), (0, 17, 0.85), (3, 17, 0.84)),
    "bluesky": ((1, 10, 1.0), (2, 10, 0.97), (3, 11, 0.94), (0, 18, 0.86), (2, 18, 0.85)),
    "sandbox": ((1, 9, 1.0), (2, 12, 0.95), (3, 9, 0.92), (4, 11, 0.85)),
}


class Slot(BaseModel):
    weekday: int  # 0 = Monday, in the brand's timezone
    weekday_name: str
    hour: int
    score: float  # mean engagement rate (%) of the posts in it, or the default's weight
    sample_size: int


class BestTimes(BaseModel):
    account_id: int
    platform: str
    timezone: str
    source: str  # "own_history" | "network_defaults"
    sample_size: int  # the account's posts with metrics in the lookback
    min_sample: int
    slots: list[Slot]  # best first
    heatmap: list[list[float | None]]  # [weekday][hour]: mean score, None when no posts
    reason: str | None = None


def _slot(weekday: int, hour: int, score: float, sample: int) -> Slot:
    return Slot(
        weekday=weekday,
        weekday_name=WEEKDAYS[weekday],
        hour=hour,
        score=round(score, 4),
        sample_size=sample,
    )


def best_times(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    min_sample: int = MIN_SAMPLE,
    now: datetime | None = None,
) -> BestTimes:
    """Weekday × hour slots ranked by the engagement rate of the account's own posts.

    A post's score is engagements per impression, or per follower on networks that report
    no impressions (Mastodon, Bluesky). With fewer than ``min_sample`` posts, or no slot
    holding ``MIN_SLOT_SAMPLE`` of them, the network's defaults are returned and labelled.
    """
    account = load_account(session, actor=actor, account_id=account_id, action=Action.BRAND_VIEW)
    brand = session.get(Brand, account.brand_id)
    assert brand is not None
    zone = ZoneInfo(brand.timezone)
    since = (now or utcnow()) - LOOKBACK
    rows = session.execute(
        select(
            PostMetricLatest.published_at,
            PostMetricLatest.impressions,
            PostMetricLatest.engagements,
        ).where(
            PostMetricLatest.organization_id == actor.organization_id,
            PostMetricLatest.social_account_id == account_id,
            col(PostMetricLatest.published_at) >= since,
        )
    ).all()
    followers = session.execute(
        select(MetricDaily.followers)
        .where(MetricDaily.social_account_id == account_id, col(MetricDaily.followers).is_not(None))
        .order_by(col(MetricDaily.day).desc())
        .limit(1)
    ).scalar()
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for published_at, impressions, engagements in rows:
        local = published_at.astimezone(zone)
        base = impressions or followers or 0
        score = 100.0 * engagements / base if base else float(engagements)
        cells[(local.weekday(), local.hour)].append(score)
    heatmap: list[list[float | None]] = [
        [
            round(sum(cells[(d, h)]) / len(cells[(d, h)]), 4) if cells.get((d, h)) else None
            for h in range(24)
        ]
        for d in range(7)
    ]
    ranked = sorted(
        (
            _slot(d, h, sum(scores) / len(scores), len(scores))
            for (d, h), scores in cells.items()
            if len(scores) >= MIN_SLOT_SAMPLE
        ),
        key=lambda s: (-s.score, -s.sample_size, s.weekday, s.hour),
    )
    platform = str(account.platform)
    common = {
        "account_id": account_id,
        "platform": platform,
        "timezone": brand.timezone,
        "sample_size": len(rows),
        "min_sample": min_sample,
        "heatmap": heatmap,
    }
    if len(rows) >= min_sample and ranked:
        return BestTimes(source="own_history", slots=ranked, **common)
    defaults = [_slot(d, h, w, 0) for d, h, w in NETWORK_DEFAULTS.get(platform, ())]
    network = PLATFORM_LABELS[Platform(platform)]
    return BestTimes(
        source="network_defaults",
        slots=defaults,
        reason=(
            f"Only {len(rows)} post(s) with metrics in the last {LOOKBACK.days} days "
            f"(at least {min_sample} needed): showing typical good times on {network}."
        ),
        **common,
    )


def best_times_figure(data: BestTimes) -> go.Figure:
    """The weekday × hour heatmap (defaults drawn from their weights when history is thin)."""
    grid = data.heatmap
    if data.source == "network_defaults":
        grid = [[None] * 24 for _ in range(7)]
        for slot in data.slots:
            grid[slot.weekday][slot.hour] = slot.score
    figure = go.Figure(
        go.Heatmap(
            z=grid,
            x=[f"{h:02d}:00" for h in range(24)],
            y=list(WEEKDAYS),
            colorscale="Viridis",
            hoverongaps=False,
        )
    )
    label = "own history" if data.source == "own_history" else "network defaults"
    figure.update_layout(title=f"Best time to post ({label}, {data.timezone})")
    return figure


# ---------------------------------------------------------------- dashboard lists


class UpcomingPost(BaseModel):
    post_id: int
    text: str
    scheduled_at: datetime
    scheduled_local: str
    networks: list[str]


class FailingTarget(BaseModel):
    target_id: int
    post_id: int
    account_id: int
    handle: str
    network: str
    status: str
    text: str
    error: str | None
    updated_at: datetime


def upcoming_posts(
    session: Session, *, actor: Actor, brand_id: int, limit: int = 10, now: datetime | None = None
) -> list[UpcomingPost]:
    """The next posts due to go out, soonest first, with the networks they go to."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    zone = ZoneInfo(brand.timezone)
    rows = session.execute(
        select(Post, SocialAccount.platform)
        .join(PostTarget, col(PostTarget.post_id) == col(Post.id))
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(
            Post.organization_id == actor.organization_id,
            Post.brand_id == brand_id,
            col(PostTarget.status).in_([TargetStatus.SCHEDULED, TargetStatus.QUEUED]),
            col(PostTarget.scheduled_at) >= (now or utcnow()) - timedelta(minutes=5),
        )
        .order_by(col(PostTarget.scheduled_at), col(Post.id))
    ).all()
    posts: dict[int, UpcomingPost] = {}
    for post, platform in rows:
        if post.id not in posts:
            if len(posts) >= limit or post.scheduled_at is None:
                continue
            posts[post.id or 0] = UpcomingPost(
                post_id=post.id or 0,
                text=post.text,
                scheduled_at=post.scheduled_at,
                scheduled_local=post.scheduled_at.astimezone(zone).strftime("%a %d %b, %H:%M"),
                networks=[],
            )
        label = PLATFORM_LABELS[Platform(platform)]
        if label not in posts[post.id or 0].networks:
            posts[post.id or 0].networks.append(label)
    return list(posts.values())


def failing_targets(
    session: Session, *, actor: Actor, brand_id: int, limit: int = 10
) -> list[FailingTarget]:
    """Deliveries that failed or whose outcome is unknown, newest first, with the reason."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.execute(
        select(PostTarget, Post.text, SocialAccount)
        .join(Post, col(Post.id) == col(PostTarget.post_id))
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(
            PostTarget.organization_id == actor.organization_id,
            Post.brand_id == brand_id,
            col(PostTarget.status).in_([TargetStatus.FAILED, TargetStatus.UNCONFIRMED]),
        )
        .order_by(col(PostTarget.updated_at).desc(), col(PostTarget.id).desc())
        .limit(limit)
    ).all()
    return [
        FailingTarget(
            target_id=target.id or 0,
            post_id=target.post_id,
            account_id=account.id or 0,
            handle=account.handle,
            network=PLATFORM_LABELS[Platform(account.platform)],
            status=str(target.status),
            text=text,
            error=target.last_error_message,
            updated_at=target.updated_at,
        )
        for target, text, account in rows
    ]


def accounts_needing_reconnection(
    session: Session, *, actor: Actor, brand_id: int
) -> list[AccountPublic]:
    """Accounts whose access stopped working: nothing publishes or collects until reconnected."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(SocialAccount)
        .where(
            SocialAccount.organization_id == actor.organization_id,
            SocialAccount.brand_id == brand_id,
            SocialAccount.status == AccountStatus.RECONNECT_NEEDED,
        )
        .order_by(col(SocialAccount.platform), col(SocialAccount.handle))
    ).all()
    return [to_public(a) for a in rows]
