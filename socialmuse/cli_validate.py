"""``socialmuse validate``: check a text (and media) against one network's rules, offline.

Prints the length as the network counts it and every problem; exits 1 when there is any,
so scripts can gate on it. A refusal of the input itself (unknown network, missing file)
prints one ``error:`` line on stderr and exits 1 too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialmuse.services.errors import ValidationError
from socialmuse.services.validation import ValidationReport, validate_variant


def _human(report: ValidationReport) -> str:
    line = f"{report.network_name}: {report.length:,} / {report.limit:,} {report.unit}"
    if report.bytes is not None and report.byte_limit is not None:
        line += f", {report.bytes:,} / {report.byte_limit:,} bytes"
    lines = [line]
    lines += [f"problem [{p.code}]: {p.message}" for p in report.problems]
    if report.ok:
        lines.append("ok")
    return "\n".join(lines)


def validate(
    network: Annotated[str, typer.Option(help="x, linkedin, facebook, instagram, ...")],
    text: Annotated[str, typer.Option(help="The post's text.")],
    media: Annotated[
        list[Path] | None, typer.Option("--media", help="A file to attach (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    limit: Annotated[
        int | None, typer.Option(help="The account's own text limit (a Mastodon instance's).")
    ] = None,
    thread: Annotated[
        list[str] | None, typer.Option("--thread", help="A further thread part (repeatable).")
    ] = None,
    first_comment: Annotated[str | None, typer.Option(help="A first comment.")] = None,
) -> None:
    """Check a text and media against one network's rules without publishing."""
    try:
        report = validate_variant(
            platform=network,
            text=text,
            media_paths=media or [],
            limit=limit,
            thread=thread or [],
            first_comment=first_comment,
        )
    except ValidationError as exc:
        where = f"{exc.field}: " if exc.field else ""
        typer.echo(f"error: {where}{exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.model_dump_json(indent=2) if as_json else _human(report))
    if not report.ok:
        raise typer.Exit(1)
