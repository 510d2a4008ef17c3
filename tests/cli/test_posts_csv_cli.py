"""The command line's CSV import and export, and the filtered list of a brand's posts."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from socialmuse.models import Post
from socialmuse.services import accounts
from socialmuse.services.csv_import import HEADER
from tests.factories import brand, owner

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


@pytest.fixture()
def brand_id(session: Session) -> int:
    person = owner(session)
    made = brand(session, person, "Cli brand", tz="America/New_York")
    accounts.connect_sandbox(session, actor=person.actor, brand_id=made, handle="cli")
    session.commit()
    return made


def _write(tmp_path: Path, *rows: str) -> Path:
    (tmp_path / "cup.png").write_bytes(PNG)
    path = tmp_path / "posts.csv"
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _texts(session: Session) -> list[str]:
    session.expire_all()
    return list(session.exec(select(Post.text).order_by(col(Post.id))).all())


def test_import_with_one_bad_row_creates_the_good_ones_and_exits_non_zero(
    session: Session, brand_id: int, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "2030-06-01,09:00,@cli,First,cup.png,,A cup,summer",
        "2030-06-01,10:00,nobody,Refused,,,,",
        "2030-06-02,09:00,sandbox:cli,Second,,,,",
    )
    dry = cli("posts", "import-csv", "--brand-id", str(brand_id), str(path), "--dry-run", "--json")
    assert dry.returncode == 1, dry.stderr
    report = json.loads(dry.stdout)
    assert [r["status"] for r in report["rows"]] == ["ok", "refused", "ok"]
    assert _texts(session) == []

    done = cli("posts", "import-csv", "--brand-id", str(brand_id), str(path), "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["created"] == 2 and report["refused"] == 1
    first, bad, second = report["rows"]
    assert second["line"] == 4 and second["status"] == "created"
    assert first["line"] == 2 and isinstance(first["post_id"], int)
    assert bad["line"] == 3 and bad["post_id"] is None
    assert "Unknown account “nobody”" in bad["reasons"][0]
    assert first["when"] == "2030-06-01 09:00 America/New_York"
    assert _texts(session) == ["First", "Second"]

    human = cli("posts", "import-csv", "--brand-id", str(brand_id), str(path))
    assert human.returncode == 1
    assert f"line 2: already imported as post {first['post_id']}" in human.stdout
    assert "line 3: refused: Unknown account" in human.stdout
    assert _texts(session) == ["First", "Second"]


def test_a_clean_file_exits_zero_and_a_bad_header_is_one_line(
    session: Session, brand_id: int, tmp_path: Path
) -> None:
    path = _write(tmp_path, "2030-06-01,09:00,cli,Fine,,,,")
    assert cli("posts", "import-csv", "--brand-id", str(brand_id), str(path)).returncode == 0
    path.write_text("when,what\n2030-06-01,x\n")
    bad = cli("posts", "import-csv", "--brand-id", str(brand_id), str(path))
    assert bad.returncode == 1
    [line] = bad.stderr.strip().splitlines()
    assert line.startswith("error: file: The first line must be exactly: date,time,accounts")


def test_list_filters_by_status_and_days_and_export_writes_csv(
    session: Session, brand_id: int, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "2030-06-01,23:30,cli,June first late,,,,",  # 2030-06-02 03:30 UTC
        "2030-06-03,08:00,cli,June third,,,,",
    )
    assert cli("posts", "import-csv", "--brand-id", str(brand_id), str(path)).returncode == 0

    def listed(*args: str) -> list[str]:
        result = cli("posts", "list", "--brand-id", str(brand_id), *args, "--json")
        assert result.returncode == 0, result.stderr
        return [p["text"] for p in json.loads(result.stdout)]

    assert listed() == ["June first late", "June third"]
    assert listed("--from", "2030-06-01", "--to", "2030-06-01") == ["June first late"]
    assert listed("--from", "2030-06-02") == ["June third"]
    assert listed("--status", "scheduled", "--to", "2030-06-02") == ["June first late"]
    assert listed("--status", "draft") == []
    bad_day = cli("posts", "list", "--brand-id", str(brand_id), "--from", "June")
    assert bad_day.returncode == 1 and "--from: “June” is not a date" in bad_day.stderr
    bad_status = cli("posts", "list", "--brand-id", str(brand_id), "--status", "sent")
    assert bad_status.returncode == 1 and "choose one of draft" in bad_status.stderr

    out = tmp_path / "export.csv"
    exported = cli("posts", "export-csv", "--brand-id", str(brand_id), "--out", str(out))
    assert exported.returncode == 0 and "wrote 2 post(s)" in exported.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["date"], r["time"], r["accounts"], r["status"]) for r in rows] == [
        ("2030-06-01", "23:30", "sandbox:cli", "scheduled"),
        ("2030-06-03", "08:00", "sandbox:cli", "scheduled"),
    ]
    to_stdout = cli("posts", "export-csv", "--brand-id", str(brand_id), "--from", "2030-06-02")
    assert to_stdout.stdout.splitlines()[1].startswith("2030-06-03,08:00,sandbox:cli,June third")
