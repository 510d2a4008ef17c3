"""What every CLI command shares: one transaction per command, one-line refusals, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services.errors import DomainError

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction whose domain refusals become one readable line."""
    try:
        with session_scope() as session:
            yield session
    except DomainError as exc:
        fail(exc.message if not exc.field else f"{exc.field}: {exc.message}")


def emit(as_json: bool, data: Any, human: str) -> None:
    typer.echo(json.dumps(data, default=str, indent=2) if as_json else human)
