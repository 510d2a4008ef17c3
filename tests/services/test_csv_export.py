"""CSV export: the import's layout, the brand's timezone, and a round trip back in."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, delete, select

from socialmuse.models import Post, PostMedia, PostTarget
from socialmuse.models.enums import PostStatus
from socialmuse.services import accounts, csv_export, tags
from socialmuse.services.csv_import import HEADER, MediaSources, run_import
from socialmuse.services.errors import ValidationError
from socialmuse.services.post_editing import PostDraft, save_post
from tests.factories import brand, owner

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

SOURCE = (
    ",".join(HEADER) + "\n"
    '2030-03-30,23:30,one;two,"Night, before the change",pic.png,First!,A cup,night;late\n'
    '2030-04-02,08:00,sandbox:two,"Morning\nsecond line",,,,\n'
    "2030-04-10,12:00,one,Later,,,,\n"
)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _snapshot(session: Session, brand_id: int) -> list[tuple[object, ...]]:
    session.expire_all()
    posts = session.exec(
        select(Post).where(Post.brand_id == brand_id).order_by(col(Post.scheduled_at))
    ).all()
    result = []
    for post in posts:
        handles = session.exec(
            select(PostTarget.social_account_id).where(PostTarget.post_id == post.id)
        ).all()
        result.append(
            (
                post.scheduled_at,
                post.text,
                post.first_comment,
                post.status,
                len(handles),
                tags.post_tag_names(session, post.id or 0),
                session.exec(select(PostMedia.media_id).where(PostMedia.post_id == post.id)).all(),
            )
        )
    return result


def test_export_round_trips_through_the_import(session: Session, tmp_path: Path) -> None:
    person = owner(session)
    first = brand(session, person, "First", tz="Europe/Paris")
    second = brand(session, person, "Second", tz="Europe/Paris")
    for brand_id in (first, second):
        for handle in ("one", "two"):
            accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle=handle)
    (tmp_path / "pic.png").write_bytes(PNG)
    made = run_import(
        session,
        actor=person.actor,
        brand_id=first,
        data=SOURCE,
        sources=MediaSources(local_dir=tmp_path),
    )
    assert [r.status for r in made.rows] == ["created"] * 3
    save_post(session, actor=person.actor, draft=PostDraft(brand_id=first, text="Undated idea"))
    session.commit()

    exported = csv_export.export_posts_csv(session, actor=person.actor, brand_id=first)
    rows = _rows(exported)
    assert list(rows[0]) == [*HEADER, "status", "post_id"]
    assert [(r["date"], r["time"]) for r in rows] == [
        ("2030-03-30", "23:30"),
        ("2030-04-02", "08:00"),
        ("2030-04-10", "12:00"),
        ("", ""),
    ]
    night = rows[0]
    assert night["accounts"] == "sandbox:one;sandbox:two"
    assert night["media"].startswith("media:") and night["alt_text"] == "A cup"
    assert night["tags"] == "late;night" and night["first_comment"] == "First!"
    assert night["status"] == "scheduled" and int(night["post_id"]) == made.rows[0].post_id
    assert rows[1]["text"] == "Morning\nsecond line"
    assert rows[3]["status"] == "draft"

    scheduled = csv_export.export_posts_csv(
        session, actor=person.actor, brand_id=first, status=PostStatus.SCHEDULED
    )
    # Re-importing into the same brand finds every post already there...
    again = run_import(session, actor=person.actor, brand_id=first, data=scheduled)
    assert [r.status for r in again.rows] == ["already_imported"] * 3
    # ...and, once they are gone, importing the export reproduces them.
    before = [s for s in _snapshot(session, first) if s[0]]
    session.exec(delete(Post).where(col(Post.status) == PostStatus.SCHEDULED))  # type: ignore[call-overload]
    session.commit()
    restored = run_import(session, actor=person.actor, brand_id=first, data=scheduled)
    session.commit()
    assert [r.status for r in restored.rows] == ["created"] * 3
    assert [s for s in _snapshot(session, first) if s[0]] == before
    # Another brand with the same handles takes the posts; a media library file stays with
    # its brand.
    copied = run_import(session, actor=person.actor, brand_id=second, data=scheduled)
    assert [r.status for r in copied.rows] == ["refused", "created", "created"]
    assert "no media library file" in copied.rows[0].reasons[0]


def test_a_date_range_in_the_brand_zone_and_a_status_filter(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Tokyo", tz="Asia/Tokyo")
    accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="one")
    data = (
        ",".join(HEADER) + "\n"
        "2030-05-01,00:30,one,Early on the first,,,,\n"  # 2030-04-30 15:30 UTC
        "2030-05-02,23:59,one,Late on the second,,,,\n"
        "2030-05-03,00:00,one,Third,,,,\n"
    )
    run_import(session, actor=person.actor, brand_id=brand_id, data=data)
    session.commit()
    rows = csv_export.list_brand_posts(
        session,
        actor=person.actor,
        brand_id=brand_id,
        start=date(2030, 5, 1),
        end=date(2030, 5, 2),
    )
    assert [r.text for r in rows] == ["Early on the first", "Late on the second"]
    assert rows[0].local_time == "00:30" and rows[0].targets[0].label == "Sandbox @one"
    assert (
        csv_export.list_brand_posts(
            session, actor=person.actor, brand_id=brand_id, status=PostStatus.DRAFT
        )
        == []
    )
    with pytest.raises(ValidationError, match="before the start"):
        csv_export.list_brand_posts(
            session,
            actor=person.actor,
            brand_id=brand_id,
            start=date(2030, 5, 2),
            end=date(2030, 5, 1),
        )


@pytest.mark.parametrize("value", ["2030-13-01", "tomorrow", "01/05/2030"])
def test_bad_days_and_statuses_are_refused_in_plain_words(value: str) -> None:
    with pytest.raises(ValidationError, match="is not a date"):
        csv_export.parse_day(value, field="start")
    with pytest.raises(ValidationError, match="choose one of draft"):
        csv_export.parse_status("sent")
    assert csv_export.parse_day(" ", field="start") is None
