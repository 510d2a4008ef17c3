"""CSV import in the browser: upload, read the per-row report, create the good rows; export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from socialmuse.services.csv_import import HEADER
from tests.browser.people import create_brand, email_for, fill_form, navigate, sign_up, unique

pytestmark = pytest.mark.browser

POST_PAGE = re.compile(r"/posts/\d+/?$")


def _brand_with_sandbox(page: Page) -> str:
    sign_up(page, email=email_for("importer"))
    page.goto(routes.CALENDAR_IMPORT)
    expect(page.locator("#import-no-brand")).to_be_visible()
    page.locator("#import-no-brand").click()
    expect(page.locator("#page-heading")).to_have_text("Brands")
    create_brand(page, name=unique("Roastery"), timezone="America/New_York")
    navigate(page, "Settings")
    page.get_by_role("navigation", name="Settings sections").get_by_role(
        "link", name="Accounts"
    ).click()
    expect(page.locator("#page-heading")).to_have_text("Accounts")
    handle = unique("roastery")
    fill_form(page, "connect-sandbox", handle=handle)
    page.locator("#connect-sandbox-submit").click()
    expect(page.locator(f'#account-table tr[data-account="{handle}"]')).to_be_visible()
    return handle


def test_csv_import_reports_the_bad_row_and_creates_the_good_ones(
    page: Page, tmp_path: Path
) -> None:
    handle = _brand_with_sandbox(page)
    first, second = unique("Beans of the week"), unique("Cupping, Friday")
    path = tmp_path / "posts.csv"
    path.write_text(
        ",".join(HEADER)
        + "\r\n"
        + f"2030-06-01,09:00,@{handle},{first},,,,weekly\r\n"
        + "2030-06-01,10:00,@nobody,This row names no account of the brand,,,,\r\n"
        + f'2030-06-02,17:30,sandbox:{handle},"{second}",,,,events\r\n',
        encoding="utf-8",
    )
    page.goto(routes.CALENDAR_IMPORT)
    expect(page.locator("#page-heading")).to_have_text("Import posts")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("day,hour,who,what\n2030-06-01,09:00,x,y\n", encoding="utf-8")
    page.locator("#csv-upload input[type=file]").set_input_files(str(wrong))
    expect(page.locator("#import-error")).to_contain_text(
        "The first line must be exactly: " + ",".join(HEADER)
    )
    page.locator("#csv-upload input[type=file]").set_input_files(str(path))

    report = page.locator("#import-report")
    bad = report.locator('tr[data-line="3"]')
    expect(bad).to_have_attribute("data-status", "refused")
    expect(bad.locator(".reasons")).to_contain_text("Unknown account “@nobody”")
    expect(report.locator('tr[data-line="2"]')).to_contain_text("2030-06-01 09:00 America/New_York")
    expect(report.locator('tr[data-line="4"]')).to_contain_text("ready")
    expect(page.locator("#import-summary")).to_contain_text("2 ready, 1 refused")
    expect(page.locator("#import-error")).to_have_count(0)

    page.locator("#import-create").click()
    expect(page.locator("#import-done")).to_contain_text("Created 2 posts")
    expect(report.locator('tr[data-status="created"]')).to_have_count(2)
    expect(bad).to_have_attribute("data-status", "refused")

    report.locator('tr[data-line="4"]').get_by_role("link").click()
    expect(page).to_have_url(POST_PAGE)
    expect(page.locator("#post-text")).to_have_text(second)

    page.goto(routes.CALENDAR_IMPORT)
    with page.expect_download() as downloaded:
        page.locator("#export-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(downloaded.value.path()).read_text("utf-8"))))
    assert [(r["date"], r["time"], r["text"], r["status"]) for r in rows] == [
        ("2030-06-01", "09:00", first, "scheduled"),
        ("2030-06-02", "17:30", second, "scheduled"),
    ]
    assert {r["accounts"] for r in rows} == {f"sandbox:{handle}"}

    with page.expect_download() as sample:
        page.locator("#import-sample").click()
    assert Path(sample.value.path()).read_text("utf-8").startswith(",".join(HEADER))
