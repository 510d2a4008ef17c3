"""Bulk CSV import: a per-row report first, then each good row scheduled on its own."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from socialmuse.models import AuditEvent, Brand, MediaAsset, Post, PostMedia, PostTarget
from socialmuse.models.enums import Platform, PostStatus, TargetStatus
from socialmuse.platforms.base import ConnectedAccount
from socialmuse.services import accounts, csv_import, tags
from socialmuse.services.csv_import import HEADER, MediaSources, preview_import, run_import
from socialmuse.services.errors import ValidationError
from tests.factories import Person, brand, owner

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
HEAD = ",".join(HEADER)


class Setup:
    def __init__(self, person: Person, brand_id: int, one: int, two: int, other: int) -> None:
        self.person, self.brand_id, self.one, self.two, self.other = (
            person,
            brand_id,
            one,
            two,
            other,
        )


@pytest.fixture()
def setup(session: Session) -> Setup:
    person = owner(session)
    brand_id = brand(session, person, "Cafe", tz="Europe/Paris")
    other_brand = brand(session, person, "Other", tz="UTC")
    one = accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="one")
    two = accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="two")
    other = accounts.connect_sandbox(
        session, actor=person.actor, brand_id=other_brand, handle="elsewhere"
    )
    session.commit()
    return Setup(person, brand_id, one.id, two.id, other.id)


def _csv(*rows: str, crlf: bool = False) -> str:
    end = "\r\n" if crlf else "\n"
    return end.join([HEAD, *rows]) + end


def _posts(session: Session) -> list[Post]:
    session.expire_all()
    return list(session.exec(select(Post).order_by(col(Post.id))).all())


def _by_line(report: csv_import.ImportReport) -> dict[int, csv_import.ImportRow]:
    return {row.line: row for row in report.rows}


def test_preview_reports_every_bad_row_with_its_line_and_creates_nothing(
    session: Session, setup: Setup, tmp_path: Path
) -> None:
    brand_row = session.get(Brand, setup.brand_id)
    assert brand_row is not None
    brand_row.guardrails = {"banned_words": ["cheapest"], "banned_claims": []}
    session.add(brand_row)
    session.commit()
    (tmp_path / "notes.txt").write_text("not a picture")
    data = _csv(
        "2030-05-01,09:30,@one,Good by handle,,,,morning",  # line 2
        f'2030-05-02,10:00,{setup.two},"Good by id, with a comma\nand a newline",,,,',  # 3-4
        "2030-13-01,09:30,one,Bad date,,,,",  # 5
        "2020-01-01,09:30,one,In the past,,,,",  # 6
        "2030-03-31,02:30,one,In the DST gap,,,,",  # 7
        "2030-05-01,09:30,nobody,Unknown account,,,,",  # 8
        "2030-05-01,09:30,elsewhere,Account of another brand,,,,",  # 9
        f"2030-05-01,09:30,one,{'x' * 1001},,,,",  # 10
        "2030-05-01,09:30,one,The cheapest coffee in town,,,,",  # 11
        "2030-05-01,09:30,one,Missing media,missing.png,,,",  # 12
        "2030-05-01,09:30,one,Unsupported media,notes.txt,,,",  # 13
        "2030-05-01,25:00,one,Bad time,,,,",  # 14
        "2030-05-01,09:30,,No account,,,,",  # 15
        "2030-05-01,09:30,one",  # 16
    )
    report = preview_import(
        session,
        actor=setup.person.actor,
        brand_id=setup.brand_id,
        data=data,
        sources=MediaSources(local_dir=tmp_path),
    )
    rows = _by_line(report)
    assert sorted(rows) == [2, 3, *range(5, 17)]
    assert rows[2].status == rows[3].status == "ok"
    assert rows[2].when == "2030-05-01 09:30 Europe/Paris"
    assert rows[2].scheduled_at == datetime(2030, 5, 1, 7, 30, tzinfo=UTC)
    assert rows[2].accounts == ["Sandbox @one"] and rows[2].tags == ["morning"]
    assert rows[3].accounts == ["Sandbox @two"]
    expected = {
        5: "“2030-13-01” is not a date",
        6: "2020-01-01 09:30 (Europe/Paris) is in the past",
        7: "does not exist in Europe/Paris",
        8: "Unknown account “nobody”",
        9: "belongs to another brand",
        10: "Sandbox (@one)",
        11: "“cheapest” is a banned word for Cafe",
        12: "there is no file at",
        13: "notes.txt is not a supported image or video",
        14: "“25:00” is not a time",
        15: "No account",
        16: "The row has 3 column(s)",
    }
    for line, words in expected.items():
        assert rows[line].status == "refused", line
        assert any(words in reason for reason in rows[line].reasons), (line, rows[line].reasons)
    assert "1,000" in " ".join(rows[10].reasons)
    assert report.refused == len(expected) and report.dry_run
    assert _posts(session) == []


def test_run_creates_the_good_rows_scheduled_and_a_rerun_duplicates_nothing(
    session: Session, setup: Setup
) -> None:
    data = _csv(
        "2030-05-01,09:30,@one;two,Hello both,,,,launch;#Launch;news",
        "2030-05-01,09:30,nobody,Refused,,,,",
        "2030-11-03,18:15,one,Autumn,,Link below,,",
    )
    report = run_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    session.commit()
    assert [r.status for r in report.rows] == ["created", "refused", "created"]
    posts = _posts(session)
    assert [p.text for p in posts] == ["Hello both", "Autumn"]
    hello, autumn = posts
    assert hello.status == autumn.status == PostStatus.SCHEDULED
    assert hello.source == "csv_import"
    assert hello.scheduled_at == datetime(2030, 5, 1, 7, 30, tzinfo=UTC)  # CEST
    assert autumn.scheduled_at == datetime(2030, 11, 3, 17, 15, tzinfo=UTC)  # CET
    assert autumn.first_comment == "Link below"
    targets = session.exec(select(PostTarget).where(PostTarget.post_id == hello.id)).all()
    assert {t.social_account_id for t in targets} == {setup.one, setup.two}
    assert {t.status for t in targets} == {TargetStatus.SCHEDULED}
    assert tags.post_tag_names(session, hello.id or 0) == ["launch", "news"]
    assert report.rows[0].post_id == hello.id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "posts.imported")).one()
    assert event.details["created"] == [hello.id, autumn.id] and event.details["refused"] == 1

    again = run_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    session.commit()
    assert [r.status for r in again.rows] == ["already_imported", "refused", "already_imported"]
    assert again.rows[0].post_id == hello.id
    assert "Already imported as post" in again.rows[0].reasons[0]
    assert len(_posts(session)) == 2


def test_the_same_row_twice_in_one_file_is_created_once(session: Session, setup: Setup) -> None:
    row = "2030-05-01,09:30,one,Twice,,,,"
    report = run_import(
        session, actor=setup.person.actor, brand_id=setup.brand_id, data=_csv(row, row)
    )
    assert [r.status for r in report.rows] == ["created", "refused"]
    assert "same post as line 2" in report.rows[1].reasons[0]


def test_a_row_refused_at_creation_is_rolled_back_alone(
    session: Session, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = csv_import.schedule_post

    def flaky(session: Session, **kwargs: object):  # type: ignore[no-untyped-def]
        post = session.get(Post, kwargs["post_id"])
        if post is not None and post.text == "boom":
            raise ValidationError("The network is having a bad day.")
        return real(session, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_import, "schedule_post", flaky)
    data = _csv(
        "2030-05-01,09:30,one,first,,,,t1",
        "2030-05-01,10:30,one,boom,,,,t2",
        "2030-05-01,11:30,one,third,,,,t3",
    )
    report = run_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    session.commit()
    assert [r.status for r in report.rows] == ["created", "refused", "created"]
    assert report.rows[1].reasons == ["The network is having a bad day."]
    assert [p.text for p in _posts(session)] == ["first", "third"]
    assert session.exec(select(PostTarget)).all() and all(
        t.post_id != report.rows[1].post_id for t in session.exec(select(PostTarget)).all()
    )


def test_the_import_is_one_transaction_of_its_caller(session: Session, setup: Setup) -> None:
    data = _csv("2030-05-01,09:30,one,first,,,,", "2030-05-01,10:30,one,second,,,,")
    report = run_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    assert [r.status for r in report.rows] == ["created", "created"]
    session.rollback()
    assert _posts(session) == []
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "posts.imported")).first()
    assert event is None


def test_bom_crlf_and_quoted_newlines(session: Session, setup: Setup) -> None:
    text = _csv('2030-05-01,09:30,one,"Line one\r\nLine, two",,,,', crlf=True)
    data = ("\ufeff" + text).encode("utf-8")
    report = run_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    [row] = report.rows
    assert row.status == "created" and row.line == 2
    [post] = _posts(session)
    assert post.text == "Line one\r\nLine, two"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("date,time,acounts,text,media,first_comment,alt_text,tags\n", "Column 3 is “acounts”"),
        ("date,time,accounts,text\n2030-01-01,09:00,one,x\n", "Missing column(s): media"),
        (HEAD + ",mood\n", "Unexpected column(s): mood"),
        ("", "The file is empty"),
        (HEAD + "\n\n", "no rows to import"),
        ("\xe9t\xe9,time".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_bad_file_is_refused_whole_with_the_expected_header(
    session: Session, setup: Setup, data: str | bytes, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        preview_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    assert words in caught.value.message and caught.value.field == "file"
    if "Column" in words or "column" in words:
        assert HEAD in caught.value.message


def test_too_many_rows_are_refused(session: Session, setup: Setup) -> None:
    rows = [f"2030-05-01,09:30,one,post {n},,,," for n in range(csv_import.MAX_ROWS + 1)]
    with pytest.raises(ValidationError, match="at most 1,000"):
        preview_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=_csv(*rows))


def test_export_columns_after_the_header_are_ignored(session: Session, setup: Setup) -> None:
    data = HEAD + ",status,post_id\n2030-05-01,09:30,one,Exported,,,,,scheduled,7\n"
    report = preview_import(session, actor=setup.person.actor, brand_id=setup.brand_id, data=data)
    assert [r.status for r in report.rows] == ["ok"]


def test_accounts_by_handle_id_and_network_handle(session: Session, setup: Setup) -> None:
    twin = accounts.store_connection(
        session,
        actor=setup.person.actor,
        brand_id=setup.brand_id,
        platform=Platform.MASTODON,
        connected=ConnectedAccount(
            external_id="m1", handle="one", display_name="One", credentials={"token": "t"}
        ),
        instance_url="https://mastodon.example",
    )
    session.commit()
    data = _csv(
        "2030-05-01,09:30,@one,Ambiguous,,,,",
        "2030-05-01,09:30,sandbox:one,By network,,,,",
        "2030-05-01,09:30,mastodon:@ONE,By network and at,,,,",
        f"2030-05-01,09:30,{twin.id};two,By id and handle,,,,",
        f"2030-05-01,09:30,{setup.other},Other brand by id,,,,",
        "2030-05-01,09:30,999999,No such id,,,,",
    )
    rows = preview_import(
        session, actor=setup.person.actor, brand_id=setup.brand_id, data=data
    ).rows
    assert rows[0].status == "refused"
    assert "write mastodon:one or sandbox:one" in rows[0].reasons[0] or (
        "write sandbox:one or mastodon:one" in rows[0].reasons[0]
    )
    assert rows[1].accounts == ["Sandbox @one"]
    assert rows[2].accounts == ["Mastodon @one"]
    assert rows[3].accounts == ["Mastodon @one", "Sandbox @two"]
    assert "belongs to another brand" in rows[4].reasons[0]
    assert "no account with id 999999" in rows[5].reasons[0]


@pytest.fixture()
def media_server(tmp_path: Path) -> Iterator[str]:
    """A local web server for the import to download media from."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "cup.png").write_bytes(PNG)
    (root / "big.png").write_bytes(PNG + b"\0" * 5000)
    (root / "page.html").write_text("<html>not a picture</html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined,method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_media_by_path_and_by_url_with_alt_text(
    session: Session, setup: Setup, tmp_path: Path, media_server: str
) -> None:
    (tmp_path / "local.png").write_bytes(PNG + b"local")
    sources = MediaSources(local_dir=tmp_path, allow_private_urls=True, max_download_bytes=4096)
    data = _csv(
        f"2030-05-01,09:30,one,Two pictures,local.png;{media_server}/cup.png,,A local cup;"
        "A downloaded cup,",
        f"2030-05-01,10:30,one,Too big,{media_server}/big.png,,,",
        f"2030-05-01,11:30,one,Not media,{media_server}/page.html,,,",
        f"2030-05-01,12:30,one,Gone,{media_server}/gone.png,,,",
        "2030-05-01,13:30,one,Too many alts,local.png,,a;b,",
    )
    report = run_import(
        session, actor=setup.person.actor, brand_id=setup.brand_id, data=data, sources=sources
    )
    session.commit()
    rows = report.rows
    assert rows[0].status == "created" and rows[0].media_count == 2
    assert "larger than the 4,096 bytes download limit" in rows[1].reasons[0]
    assert "page.html is not a supported image or video" in rows[2].reasons[0]
    assert "HTTP 404" in rows[3].reasons[0]
    assert "2 alt texts for 1 media file" in rows[4].reasons[0]
    attached = session.exec(
        select(MediaAsset)
        .join(PostMedia, col(PostMedia.media_id) == col(MediaAsset.id))
        .where(PostMedia.post_id == rows[0].post_id)
        .order_by(col(PostMedia.position))
    ).all()
    assert [(a.filename, a.alt_text, a.content_type) for a in attached] == [
        ("local.png", "A local cup", "image/png"),
        ("cup.png", "A downloaded cup", "image/png"),
    ]
    # The media library file is named media:ID from then on (an export writes it so).
    again = preview_import(
        session,
        actor=setup.person.actor,
        brand_id=setup.brand_id,
        data=_csv(f"2030-06-01,09:30,one,Reused,media:{attached[1].id},,,"),
    )
    assert [r.status for r in again.rows] == ["ok"]


def test_the_web_door_refuses_local_paths_and_private_addresses(
    session: Session, setup: Setup, tmp_path: Path, media_server: str
) -> None:
    (tmp_path / "local.png").write_bytes(PNG)
    data = _csv(
        f"2030-05-01,09:30,one,Local,{tmp_path / 'local.png'},,,",
        f"2030-05-01,09:30,one,Private,{media_server}/cup.png,,,",
    )
    rows = preview_import(
        session, actor=setup.person.actor, brand_id=setup.brand_id, data=data
    ).rows
    assert "only be imported from the command line" in rows[0].reasons[0]
    assert "private or local address" in rows[1].reasons[0]


def test_oversized_media_for_the_network_is_refused(
    session: Session, setup: Setup, tmp_path: Path
) -> None:
    with (tmp_path / "huge.png").open("wb") as handle:
        handle.write(PNG)
        handle.truncate(21 * 1024 * 1024)  # Sandbox takes images up to 20 MB
    rows = preview_import(
        session,
        actor=setup.person.actor,
        brand_id=setup.brand_id,
        data=_csv("2030-05-01,09:30,one,Huge,huge.png,,,"),
        sources=MediaSources(local_dir=tmp_path),
    ).rows
    assert rows[0].status == "refused"
    assert "Sandbox (@one)" in rows[0].reasons[0] and "20 MB" in rows[0].reasons[0]


def test_a_brand_that_needs_approval_cannot_import_scheduled_posts(
    session: Session, setup: Setup
) -> None:
    brand_row = session.get(Brand, setup.brand_id)
    assert brand_row is not None
    brand_row.approval_policy = {"required_for": "everyone", "steps": ["brand_owner"]}
    session.add(brand_row)
    session.commit()
    with pytest.raises(ValidationError, match="need approval"):
        run_import(
            session,
            actor=setup.person.actor,
            brand_id=setup.brand_id,
            data=_csv("2030-05-01,09:30,one,x,,,,"),
        )
