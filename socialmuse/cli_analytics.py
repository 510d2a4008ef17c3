"""CLI doors for analytics (registered by ``socialmuse.cli``): KPIs, best times, collection."""

from __future__ import annotations

from typing import Annotated

import typer

from socialmuse.cli_common import JsonFlag, emit, fail, unit_of_work
from socialmuse.models import Brand, SocialAccount
from socialmuse.services import analytics, auth, metrics_collection

analytics_app = typer.Typer(help="Analytics: KPIs, best times to post.", no_args_is_help=True)


def _number(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:,.2f}{suffix}" if value % 1 else f"{int(value):,}{suffix}"


def _change(kpi: analytics.Kpi, suffix: str = "") -> str:
    if kpi.change is None:
        return ""
    sign = "+" if kpi.change >= 0 else ""
    pct = f", {sign}{kpi.change_pct}%" if kpi.change_pct is not None else ""
    return f"  ({sign}{_number(kpi.change, suffix)}{pct} vs {_number(kpi.previous, suffix)})"


@analytics_app.command("summary")
def summary(
    brand_id: Annotated[int, typer.Option("--brand-id", help="Brand id.")],
    days: Annotated[int, typer.Option(help="The last N days, today included.", min=1)] = 30,
    as_json: JsonFlag = False,
) -> None:
    """The dashboard KPIs for the last N days beside the N days before."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        brand = session.get(Brand, brand_id)
        assert brand is not None
        start, end = analytics.last_days(brand.timezone, days)
        result = analytics.summary(session, actor=actor, brand_id=brand_id, start=start, end=end)
    lines = [f"{brand.name}: {result.start} to {result.end} ({brand.timezone})"]
    for kpi in result.kpis():
        suffix = "%" if kpi.key == "engagement_rate" else ""
        lines.append(f"  {kpi.label:<20} {_number(kpi.value, suffix)}{_change(kpi, suffix)}")
    if result.reason:
        lines.append(f"  note: {result.reason}")
    emit(as_json, result.model_dump(mode="json"), "\n".join(lines))


@analytics_app.command("best-times")
def best_times(
    account_id: Annotated[int, typer.Option("--account-id", help="Account id.")],
    min_sample: Annotated[
        int, typer.Option(help="Posts needed before the account's own history is used.", min=1)
    ] = analytics.MIN_SAMPLE,
    top: Annotated[int, typer.Option(help="How many slots to print.", min=1)] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Ranked weekday/hour slots with sample sizes, from own history or network defaults."""
    with unit_of_work() as session:
        account = session.get(SocialAccount, account_id)
        if account is None:
            fail(f"account_id: There is no account with id {account_id}.")
        actor = auth.operator_actor_for_brand(session, brand_id=account.brand_id)
        result = analytics.best_times(
            session, actor=actor, account_id=account_id, min_sample=min_sample
        )
    source = "own history" if result.source == "own_history" else "network defaults"
    lines = [
        f"best times for account {account_id} ({source}, {result.sample_size} posts, "
        f"{result.timezone})"
    ]
    lines += [
        f"  {n}. {s.weekday_name:<9} {s.hour:02d}:00  score {s.score:g}  ({s.sample_size} posts)"
        for n, s in enumerate(result.slots[:top], start=1)
    ]
    if result.reason:
        lines.append(f"  note: {result.reason}")
    data = result.model_dump(mode="json")
    data.pop("heatmap")
    emit(as_json, data, "\n".join(lines))


@analytics_app.command("collect-due")
def collect_due(as_json: JsonFlag = False) -> None:
    """Read every metric that is due now, in this process (for setups without a worker)."""
    report = metrics_collection.collect_due_inline()
    emit(
        as_json,
        vars(report),
        f"registered {report.registered} new posts; stored {report.stored} readings, "
        f"{report.retried} to retry later, {report.skipped} skipped, {report.ended} ended",
    )
