"""How a post's counters and an account's audience evolve, shared by every emulator.

Deterministic from (seed, elapsed time): the same post asked twice at the same age answers
the same numbers, so tests can assert and benchmarks are reproducible. The shape follows
what social analytics tools report:

* a post gathers most of its reach in the first day: cumulative share
  ``F(t) = 0.8 (1 - e^(-t / 5 h)) + 0.2 (1 - e^(-t / 72 h))`` (never decreasing);
* total reach is a network-typical fraction of the audience times a heavy-tailed "quality"
  draw (most posts are ordinary, a few do far better);
* engagement is a network-typical rate of impressions, split into likes, comments,
  shares, clicks and saves;
* followers grow slowly (0.05-0.4 % a day) with a little day-to-day noise.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Per network: share of followers a typical post reaches, and engagements per impression.
REACH: dict[str, float] = {
    "x": 0.35,
    "linkedin": 0.6,
    "facebook": 0.12,
    "instagram": 0.3,
    "threads": 0.25,
    "mastodon": 0.5,
    "bluesky": 0.45,
    "sandbox": 0.4,
}
ENGAGEMENT_RATE: dict[str, float] = {
    "x": 0.012,
    "linkedin": 0.035,
    "facebook": 0.02,
    "instagram": 0.045,
    "threads": 0.03,
    "mastodon": 0.04,
    "bluesky": 0.035,
    "sandbox": 0.03,
}
# How engagements split between likes, comments, shares, clicks and saves.
SPLIT = {"likes": 0.62, "comments": 0.08, "shares": 0.12, "clicks": 0.14, "saves": 0.04}
FOLLOWER_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def unit(seed: str, salt: str = "") -> float:
    """A uniform number in [0, 1) derived from the seed: stable across runs and processes."""
    digest = hashlib.blake2b(f"{seed}|{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def cumulative_share(elapsed: timedelta) -> float:
    """Share of a post's lifetime engagement reached after ``elapsed`` (0 → 1, increasing)."""
    hours = max(elapsed.total_seconds(), 0.0) / 3600
    return 0.8 * (1 - math.exp(-hours / 5)) + 0.2 * (1 - math.exp(-hours / 72))


@dataclass(frozen=True)
class Counts:
    impressions: int
    likes: int
    comments: int
    shares: int
    clicks: int
    saves: int

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.clicks + self.saves


def lifetime(seed: str, network: str, audience: int) -> Counts:
    """What the post will have gathered when it stops moving."""
    # Log-normal quality: median 1, roughly one post in twenty does three times better.
    u = min(max(unit(seed, "quality"), 1e-9), 1 - 1e-9)
    z = math.sqrt(2) * _erfinv(2 * u - 1)
    quality = math.exp(0.65 * z)
    reach = max(audience, 50) * REACH.get(network, 0.3) * quality
    rate = ENGAGEMENT_RATE.get(network, 0.03) * (0.6 + 0.8 * unit(seed, "rate"))
    engagements = reach * rate
    parts = {
        name: engagements * share * (0.7 + 0.6 * unit(seed, name)) for name, share in SPLIT.items()
    }
    return Counts(impressions=int(reach), **{k: int(v) for k, v in parts.items()})


def post_counts(seed: str, network: str, audience: int, elapsed: timedelta) -> Counts:
    """The post's counters ``elapsed`` after publication (never decrease as time passes)."""
    total = lifetime(seed, network, audience)
    share = cumulative_share(elapsed)
    return Counts(
        impressions=int(total.impressions * share),
        likes=int(total.likes * share),
        comments=int(total.comments * share),
        shares=int(total.shares * share),
        clicks=int(total.clicks * share),
        saves=int(total.saves * share),
    )


def followers(seed: str, at: datetime) -> int:
    """An account's follower count at ``at``: a base, slow compound growth, small noise."""
    base = 300 + int(9_700 * unit(seed, "base") ** 2)
    daily = 0.0005 + 0.0035 * unit(seed, "growth")
    days = max((at - FOLLOWER_EPOCH).total_seconds() / 86400, 0.0)
    day = int(days)
    noise = (unit(seed, f"noise{day}") - 0.5) * 0.002  # ±0.1 % day to day
    return int(base * (1 + daily) ** days * (1 + noise))


def following(seed: str) -> int:
    return 50 + int(450 * unit(seed, "following"))


def _erfinv(y: float) -> float:
    """Inverse error function (Giles' approximation, plenty for a simulation)."""
    w = -math.log((1.0 - y) * (1.0 + y))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        for c in (
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ):
            p = c + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        for c in (
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ):
            p = c + p * w
    return p * y
