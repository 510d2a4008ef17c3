"""Analytics from the command line, on the demo's 90 days of history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from socialmuse.models import SocialAccount
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.models.metrics import MetricDaily, PostMetricLatest


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ),
    )


def ok_json(*args: str) -> Any:
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_history_then_summary_and_best_times(session: Session) -> None:
    first = cli("demo")
    assert first.returncode == 0, first.stderr
    assert "metric snapshots seeded" in first.stdout
    login = json.loads(cli("demo", "--json").stdout)  # a second run adds no history
    brand_id = login["brand_ids"][0]
    per_brand = session.exec(
        select(PostMetricLatest.brand_id).where(PostMetricLatest.brand_id == brand_id)
    ).all()
    assert len(per_brand) > 300  # six accounts, most days, 90 days
    again = cli("demo")
    assert "metric snapshots seeded" not in again.stdout
    assert len(
        session.exec(
            select(PostMetricLatest.brand_id).where(PostMetricLatest.brand_id == brand_id)
        ).all()
    ) == len(per_brand)

    summary = ok_json("analytics", "summary", "--brand-id", str(brand_id), "--days", "30")
    assert summary["brand_id"] == brand_id and summary["reason"] is None
    posts = summary["posts_published"]
    assert posts["value"] > 0 and posts["previous"] > 0
    assert posts["change"] == posts["value"] - posts["previous"]
    days = session.exec(
        select(MetricDaily.posts_published).where(
            MetricDaily.brand_id == brand_id,
            col(MetricDaily.day) >= date.fromisoformat(summary["start"]),
            col(MetricDaily.day) <= date.fromisoformat(summary["end"]),
        )
    ).all()
    assert posts["value"] == sum(days)
    assert summary["follower_growth"]["value"] > 0  # the model's audiences grow
    human = cli("analytics", "summary", "--brand-id", str(brand_id), "--days", "7")
    assert human.returncode == 0 and "Posts published" in human.stdout

    x_account = session.exec(
        select(SocialAccount).where(
            SocialAccount.brand_id == brand_id, SocialAccount.platform == Platform.X
        )
    ).one()
    assert x_account.status == AccountStatus.DISCONNECTED  # demo history reaches no network
    best = ok_json("analytics", "best-times", "--account-id", str(x_account.id))
    assert best["source"] == "own_history" and best["sample_size"] >= 30
    assert best["slots"][0]["sample_size"] >= 3
    assert best["slots"][0]["score"] >= best["slots"][-1]["score"]
    thin = ok_json(
        "analytics", "best-times", "--account-id", str(x_account.id), "--min-sample", "100000"
    )
    assert thin["source"] == "network_defaults" and thin["slots"][0]["sample_size"] == 0


def test_unknown_ids_are_one_line_errors(session: Session) -> None:
    missing = cli("analytics", "summary", "--brand-id", "999999", "--json")
    assert missing.returncode == 1 and "There is no brand with id 999999" in missing.stderr
    assert "Traceback" not in missing.stderr
    account = cli("analytics", "best-times", "--account-id", "999999")
    assert account.returncode == 1 and "There is no account with id 999999" in account.stderr
