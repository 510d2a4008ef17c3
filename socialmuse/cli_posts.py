"""CLI doors for accounts, posts and publishing (registered by ``socialmuse.cli``)."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import col, select

from socialmuse.cli_common import JsonFlag, emit, fail, unit_of_work
from socialmuse.models import Post, PostTarget, utcnow
from socialmuse.models.enums import TargetStatus
from socialmuse.services import accounts, auth, csv_export, csv_import, posts, publishing, reconcile

accounts_app = typer.Typer(help="Social accounts of a brand.", no_args_is_help=True)
connect_app = typer.Typer(help="Connect an account to a brand.", no_args_is_help=True)
accounts_app.add_typer(connect_app, name="connect")
posts_app = typer.Typer(
    help="Posts: create, show, list, import and export CSV.", no_args_is_help=True
)

BrandId = Annotated[int, typer.Option("--brand-id", help="Brand id.")]


@connect_app.command("sandbox")
def connect_sandbox(
    brand_id: BrandId,
    handle: Annotated[str, typer.Option(help="Any handle: this is the built-in test network.")],
    as_json: JsonFlag = False,
) -> None:
    """Connect a Sandbox (test network) account: no credentials, nothing leaves this machine."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        account = accounts.connect_sandbox(session, actor=actor, brand_id=brand_id, handle=handle)
    emit(
        as_json,
        account.model_dump(mode="json"),
        f"connected {account.platform_label} @{account.handle} as account {account.id}",
    )


@connect_app.command("mastodon")
def connect_mastodon(
    brand_id: BrandId,
    instance: Annotated[str, typer.Option(help="The instance, e.g. https://mastodon.social.")],
    access_token: Annotated[str, typer.Option(help="From Preferences → Development.")],
    as_json: JsonFlag = False,
) -> None:
    """Connect a Mastodon account on any instance with an access token."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        account = accounts.connect_mastodon(
            session,
            actor=actor,
            brand_id=brand_id,
            instance_url=instance,
            access_token=access_token,
        )
    emit(
        as_json,
        account.model_dump(mode="json"),
        f"connected Mastodon @{account.handle} as account {account.id}",
    )


@connect_app.command("bluesky")
def connect_bluesky(
    brand_id: BrandId,
    handle: Annotated[str, typer.Option(help="e.g. alice.bsky.social")],
    app_password: Annotated[str, typer.Option(help="An app password, not the main one.")],
    service: Annotated[str, typer.Option(help="The PDS or entryway.")] = "https://bsky.social",
    as_json: JsonFlag = False,
) -> None:
    """Connect a Bluesky account with a handle and an app password."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        account = accounts.connect_bluesky(
            session,
            actor=actor,
            brand_id=brand_id,
            service_url=service,
            handle=handle,
            app_password=app_password,
        )
    emit(
        as_json,
        account.model_dump(mode="json"),
        f"connected Bluesky @{account.handle} as account {account.id}",
    )


@accounts_app.command("list")
def list_accounts(brand_id: BrandId, as_json: JsonFlag = False) -> None:
    """List a brand's connected accounts with their status."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        rows = accounts.list_accounts(session, actor=actor, brand_id=brand_id)
    lines = [f"{a.id}\t{a.platform_label}\t@{a.handle}\t{a.status_label}" for a in rows]
    emit(as_json, [a.model_dump(mode="json") for a in rows], "\n".join(lines) or "no accounts")


@posts_app.command("create")
def create_post(
    brand_id: BrandId,
    account_id: Annotated[list[int], typer.Option("--account-id", help="Repeat per account.")],
    text: Annotated[str, typer.Option(help="What to post.")],
    at: Annotated[str | None, typer.Option(help="ISO 8601; without offset: brand time.")] = None,
    now: Annotated[bool, typer.Option("--now", help="Publish as soon as possible.")] = False,
    media: Annotated[list[Path] | None, typer.Option("--media", help="Attach a file.")] = None,
    thread: Annotated[list[str] | None, typer.Option("--thread", help="A reply part.")] = None,
    first_comment: Annotated[str | None, typer.Option(help="Posted as a first reply.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Schedule a post to one or more accounts of a brand (checked for every network first)."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        post = posts.create_post(
            session,
            actor=actor,
            brand_id=brand_id,
            account_ids=account_id,
            text=text,
            at=at,
            now=now,
            media_paths=media or (),
            thread=thread or (),
            first_comment=first_comment,
        )
    emit(
        as_json,
        post.model_dump(mode="json"),
        f"post {post.id} scheduled for {post.scheduled_at:%Y-%m-%d %H:%M} UTC "
        f"to {len(post.targets)} account(s)",
    )


@posts_app.command("show")
def show_post(
    post_id: Annotated[int, typer.Argument(help="Post id.")], as_json: JsonFlag = False
) -> None:
    """A post's targets: status, external id, permalink, attempts and errors."""
    with unit_of_work() as session:
        post_row = session.get(Post, post_id)
        if post_row is None:
            fail(f"There is no post with id {post_id}.")
        assert post_row is not None
        actor = auth.operator_actor(session, organization_id=post_row.organization_id)
        post = posts.get_post(session, actor=actor, post_id=post_id)
    lines = [f"post {post.id}: {post.status.value}"]
    for t in post.targets:
        lines.append(
            f"  {t.platform_label} @{t.handle}: {t.status.value}"
            + (f" {t.permalink}" if t.permalink else "")
            + (f" — {t.last_error}" if t.last_error and t.status != "published" else "")
        )
    emit(as_json, post.model_dump(mode="json"), "\n".join(lines))


@posts_app.command("import-csv")
def import_csv(
    brand_id: BrandId,
    file: Annotated[Path, typer.Argument(help="CSV: date,time,accounts,text,media,...")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; create nothing.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Schedule one post per CSV row (times in the brand's timezone), good rows only.

    Every row is checked first; each good row is created on its own, so a bad row never
    blocks the others, and rows already imported are not created twice. Local media paths
    are read relative to the CSV's folder. Exits 1 when any row was refused.
    """
    if not file.is_file():
        fail(f"There is no file at {file}.")
    data = file.read_bytes()
    sources = csv_import.MediaSources(local_dir=file.resolve().parent, allow_private_urls=True)
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        report = csv_import.run_import(
            session, actor=actor, brand_id=brand_id, data=data, dry_run=dry_run, sources=sources
        )
    lines = [_import_line(row) for row in report.rows]
    done = "would be created" if dry_run else "created"
    lines.append(
        f"{report.count('ok' if dry_run else 'created')} post(s) {done}, "
        f"{report.refused} row(s) refused, {report.count('already_imported')} already imported"
    )
    payload = report.model_dump(mode="json") | {
        "created": report.count("created"),
        "refused": report.refused,
        "already_imported": report.count("already_imported"),
    }
    emit(as_json, payload, "\n".join(lines))
    if report.refused:
        raise typer.Exit(1)


def _import_line(row: csv_import.ImportRow) -> str:
    if row.status == "created":
        return f"line {row.line}: created post {row.post_id} for {row.when}"
    if row.status == "ok":
        return f"line {row.line}: ok, {row.when} to {', '.join(row.accounts)}"
    if row.status == "already_imported":
        return f"line {row.line}: already imported as post {row.post_id}"
    return f"line {row.line}: refused: {' '.join(row.reasons)}"


@posts_app.command("list")
def list_brand_posts(
    brand_id: BrandId,
    status: Annotated[str | None, typer.Option(help="draft, scheduled, published, ...")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD, brand's timezone).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, inclusive (YYYY-MM-DD).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A brand's posts, soonest first, with their accounts and times in the brand's zone."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        rows = csv_export.list_brand_posts(
            session,
            actor=actor,
            brand_id=brand_id,
            start=csv_export.parse_day(start, field="--from"),
            end=csv_export.parse_day(end, field="--to"),
            status=csv_export.parse_status(status),
        )
    lines = [
        f"{r.id}\t{r.status.value}\t{(r.local_date + ' ' + r.local_time).strip() or '-'}"
        f"\t{', '.join(t.label for t in r.targets)}\t{_short(r.text)}"
        for r in rows
    ]
    emit(as_json, [r.model_dump(mode="json") for r in rows], "\n".join(lines) or "no posts")


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:59] + "…"


@posts_app.command("export-csv")
def export_csv(
    brand_id: BrandId,
    start: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD, brand's timezone).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, inclusive (YYYY-MM-DD).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="Only posts in this status.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write here, not to stdout.")] = None,
) -> None:
    """A brand's posts as CSV in the import's layout (plus status and post_id)."""
    with unit_of_work() as session:
        actor = auth.operator_actor_for_brand(session, brand_id=brand_id)
        text = csv_export.export_posts_csv(
            session,
            actor=actor,
            brand_id=brand_id,
            start=csv_export.parse_day(start, field="--from"),
            end=csv_export.parse_day(end, field="--to"),
            status=csv_export.parse_status(status),
        )
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8", newline="")
    count = sum(1 for _ in csv.reader(io.StringIO(text))) - 1
    typer.echo(f"wrote {count} post(s) to {out}")


def publish_due(
    wait: Annotated[bool, typer.Option("--wait", help="Keep going until nothing is due.")] = False,
    timeout: Annotated[float, typer.Option(help="With --wait: give up after seconds.")] = 300,
) -> None:
    """One scheduler pass, published in this process; --wait works until the queue is empty.

    Exits 1 when a target it touched failed or is still unconfirmed.
    """
    touched: set[int] = set()
    deadline = time.monotonic() + timeout
    while True:
        with unit_of_work() as session:
            claimed = publishing.claim_due_targets(session)
        with unit_of_work() as session:
            requeue, to_reconcile = reconcile.sweep(session)
        for target_id in to_reconcile:
            if reconcile.reconcile_target(target_id) == "requeued":
                requeue.append(target_id)
        for target_id in [*claimed, *requeue]:
            publishing.publish_target(target_id, worker="cli")
        touched.update(claimed, requeue, to_reconcile)
        if not wait or time.monotonic() > deadline or not _pending_soon(touched):
            break
        time.sleep(0.5)
    with unit_of_work() as session:
        rows = (
            session.exec(
                select(PostTarget.id, PostTarget.status).where(col(PostTarget.id).in_(touched))
            ).all()
            if touched
            else []
        )
    bad = [(i, s) for i, s in rows if s in (TargetStatus.FAILED, TargetStatus.UNCONFIRMED)]
    typer.echo(
        f"published {sum(s == TargetStatus.PUBLISHED for _, s in rows)} target(s), "
        f"{len(bad)} failed or unconfirmed"
    )
    if bad:
        raise typer.Exit(1)


def _pending_soon(touched: set[int]) -> bool:
    """Targets we touched that are not final yet and due within the next minute."""
    if not touched:
        return False
    soon = utcnow() + timedelta(seconds=60)
    with unit_of_work() as session:
        rows = session.exec(select(PostTarget).where(col(PostTarget.id).in_(touched))).all()
    return any(
        t.status in (TargetStatus.QUEUED, TargetStatus.PUBLISHING, TargetStatus.UNCONFIRMED)
        or (t.status == TargetStatus.SCHEDULED and (t.next_attempt_at or utcnow()) <= soon)
        for t in rows
    )
