"""``socialmuse reports export``: a zip of CSVs or a PDF written where the operator asks."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from socialmuse.models import utcnow
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import PostMetrics
from tests.factories import brand, owner
from tests.services.analytics_helpers import account, published


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ),
    )


def test_export_csv_and_pdf(session: Session, tmp_path: Path) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Tea House", tz="Asia/Tokyo")
    acct = account(session, person, brand_id, Platform.X, "tea")
    published(
        session,
        acct,
        utcnow() - timedelta(days=2),
        text="Matcha #tea",
        metrics=PostMetrics(impressions=900, likes=70, comments=7, shares=3),
    )
    out = tmp_path / "tea.zip"
    result = cli(
        "reports",
        "export",
        "--brand-id",
        str(brand_id),
        "--days",
        "7",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "Tea House" in result.stdout and str(out) in result.stdout
    archive = zipfile.ZipFile(out)
    rows = list(csv.DictReader(io.StringIO(archive.read("kpis.csv").decode("utf-8-sig"))))
    values = {r["kpi"]: r["value"] for r in rows}
    assert float(values["engagements"]) == 80 and values["follower_growth"] == ""

    pdf = tmp_path / "tea.pdf"
    result = cli(
        "reports", "export", "--brand-id", str(brand_id), "--format", "pdf", "--out", str(pdf)
    )
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")

    bad = cli("reports", "export", "--brand-id", "999999", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 1 and "no brand with id 999999" in bad.stderr
    wrong = cli(
        "reports",
        "export",
        "--brand-id",
        str(brand_id),
        "--format",
        "docx",
        "--out",
        str(tmp_path / "x.docx"),
    )
    assert wrong.returncode == 1 and "--format must be csv or pdf" in wrong.stderr
