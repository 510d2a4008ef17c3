"""CLI door for reports (registered by ``socialmuse.cli``): export CSV or PDF to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialmuse.cli_common import fail, unit_of_work
from socialmuse.models import Brand
from socialmuse.services import analytics, auth, reports

reports_app = typer.Typer(help="Reports: CSV and PDF exports.", no_args_is_help=True)


@reports_app.command("export")
def export(
    brand_id: Annotated[int, typer.Option("--brand-id", help="Brand id.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    days: Annotated[int, typer.Option(help="The last N days, today included.", min=1)] = 30,
    fmt: Annotated[str, typer.Option("--format", help="csv (a zip of tables) or pdf.")] = "pdf",
    table: Annotated[
        str | None,
        typer.Option(help=f"One table as a plain CSV: {', '.join(reports.TABLES)}."),
    ] = None,
) -> None:
    """Write the brand's report for the last N days (days in the brand's timezone)."""
    if fmt not in ("csv", "pdf"):
        fail("--format must be csv or pdf")
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        brand = session.get(Brand, brand_id)
        assert brand is not None
        start, end = analytics.last_days(brand.timezone, days)
        exported = reports.export(
            session,
            actor=actor,
            brand_id=brand_id,
            start=start,
            end=end,
            format=fmt,
            table=table,
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(exported.data)
    except OSError as exc:
        fail(f"could not write {out}: {exc.strerror or exc}")
    typer.echo(f"{brand.name}: {start} to {end} -> {out} ({len(exported.data):,} bytes)")
