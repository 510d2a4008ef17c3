"""``socialmuse``: the operators' and scripts' door onto the same services as the UI.

Commands that create or list print a human line by default and JSON with ``--json``.
Refusals print one ``error:`` line on stderr and exit 1; nothing is half-created because
each command is one transaction.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from socialmuse.cli_analytics import analytics_app
from socialmuse.cli_common import JsonFlag, emit, unit_of_work
from socialmuse.cli_posts import accounts_app, posts_app, publish_due
from socialmuse.cli_reports import reports_app
from socialmuse.cli_validate import validate
from socialmuse.db import DatabaseUnavailable, migrate
from socialmuse.services import auth, brands, demo
from socialmuse.services.organizations import create_organization_for
from socialmuse.settings import SettingsError, get_settings

app = typer.Typer(
    help="SocialMuse: self-hostable social media automation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
brands_app = typer.Typer(help="Brands of an organization.", no_args_is_help=True)
app.add_typer(brands_app, name="brands")
app.add_typer(accounts_app, name="accounts")
app.add_typer(posts_app, name="posts")
app.add_typer(analytics_app, name="analytics")
app.add_typer(reports_app, name="reports")
app.command("publish-due")(publish_due)
app.command("validate")(validate)
T = TypeVar("T")


@app.command("migrate")
def migrate_cmd() -> None:
    """Bring the database schema to the latest version."""
    migrate()
    typer.echo("database is up to date")


@app.command()
def run() -> None:
    """Start everything (migrations, queue, worker, scheduler, web) until Ctrl-C."""
    from socialmuse.runner import run_all

    raise typer.Exit(run_all())


@app.command()
def worker(
    processes: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    threads: Annotated[int, typer.Option(help="Threads per process (network-bound).")] = 8,
) -> None:
    """Run Dramatiq workers on the configured queue (needs SOCIALMUSE_REDIS_URL)."""
    from jobs.broker import check_redis, redis_url

    check_redis(redis_url())
    args = [
        sys.executable,
        "-m",
        "dramatiq",
        "jobs",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
    ]
    os.execv(sys.executable, args)


@app.command()
def scheduler(
    interval: Annotated[float, typer.Option(help="Seconds between ticks.")] = 1.0,
) -> None:
    """Run the scheduler loop that enqueues due work (safe to run in several places)."""
    from jobs.broker import check_redis, redis_url
    from jobs.scheduler import main as scheduler_main

    check_redis(redis_url())
    scheduler_main(interval)


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="Login email.")],
    password: Annotated[str, typer.Option(help="At least 10 characters.")],
    org_name: Annotated[str, typer.Option("--org-name", help="Organization to create.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "Admin",
    as_json: JsonFlag = False,
) -> None:
    """Create a user and a new organization they own (role super_admin)."""
    with unit_of_work() as session:
        user = auth.create_user(session, email=email, password=password, name=name)
        organization = create_organization_for(session, user=user, name=org_name)
        data = {
            "user_id": user.id,
            "organization_id": organization.id,
            "email": user.email,
            "role": "super_admin",
        }
    emit(
        as_json,
        data,
        f"created {data['email']} as owner of organization {data['organization_id']} ({org_name})",
    )


@brands_app.command("create")
def brands_create(
    org_id: Annotated[int, typer.Option("--org-id", help="Organization id.")],
    name: Annotated[str, typer.Option(help="Brand name.")],
    timezone: Annotated[str, typer.Option(help="IANA timezone, e.g. Europe/Paris.")],
    voice: Annotated[str, typer.Option(help="Brand voice notes.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Create a brand in an organization."""
    with unit_of_work() as session:
        actor = auth.operator_actor(session, organization_id=org_id)
        brand = brands.create_brand(session, actor=actor, name=name, timezone=timezone, voice=voice)
    emit(
        as_json,
        brand.model_dump(mode="json"),
        f"created brand {brand.id} ({brand.name}, {brand.timezone})",
    )


@brands_app.command("list")
def brands_list(
    org_id: Annotated[int, typer.Option("--org-id", help="Organization id.")],
    archived: Annotated[bool, typer.Option(help="Include archived brands.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List an organization's brands."""
    with unit_of_work() as session:
        actor = auth.operator_actor(session, organization_id=org_id)
        rows = brands.list_brands(session, actor=actor, include_archived=archived)
    lines = [
        f"{b.id}\t{b.name}\t{b.timezone}" + ("\t(archived)" if b.archived else "") for b in rows
    ]
    emit(as_json, [b.model_dump(mode="json") for b in rows], "\n".join(lines) or "no brands")


@app.command("rotate-secrets")
def rotate_secrets() -> None:
    """Re-encrypt stored network credentials under the current SOCIALMUSE_SECRET_KEY."""
    from socialmuse.services.accounts import rotate_credentials

    with unit_of_work() as session:
        count = rotate_credentials(session)
    typer.echo(f"re-encrypted the credentials of {count} account(s)")


@app.command("demo")
def demo_cmd(as_json: JsonFlag = False) -> None:
    """Seed a demo organization and print its login (a new password each run)."""
    with unit_of_work() as session:
        login = demo.seed_demo(session)
        history = demo.seed_history(session, login)  # 90 days of analytics, first run only
    base = get_settings().base_url
    emit(
        as_json,
        login.model_dump(),
        f"demo organization {login.organization_id} is ready at {base}\n"
        f"  log in as {login.email} with password {login.password}"
        + "".join(
            f"\n  brand {h.brand_id}: {h.posts} posts, {h.post_snapshots} metric snapshots "
            f"seeded in {h.seconds:.1f}s"
            for h in history
            if h.seeded
        ),
    )


def _guarded(entry: Callable[[], T]) -> T | None:
    """Configuration and connection problems end the program with one line, not a traceback."""
    try:
        return entry()
    except (SettingsError, DatabaseUnavailable) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)


def main() -> None:
    _guarded(app)


if __name__ == "__main__":
    main()
