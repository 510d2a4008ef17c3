"""Media library in the browser: upload (one good file, one refused), describe, find, file away."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from socialmuse import routes
from tests.browser.people import choose, create_brand, email_for, navigate, sign_up, unique

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), "orange").save(out, "PNG")
    return out.getvalue()


def test_upload_describe_search_and_file_away(page: Page) -> None:
    sign_up(page, email=email_for("media"))
    page.goto(routes.SETTINGS_BRANDS)
    create_brand(page, name=unique("Bakery"))
    navigate(page, "Media")
    expect(page.locator("#page-heading")).to_have_text("Media")

    # A real picture, and a text file dressed up as one (name and browser type both lie).
    page.locator("#media-upload input[type=file]").set_input_files(
        [
            {"name": "sunrise.png", "mimeType": "image/png", "buffer": _png()},
            {"name": "notes.png", "mimeType": "image/png", "buffer": b"just some notes\n"},
        ]
    )
    results = page.locator("#media-upload-results")
    refused = results.locator('[data-file="notes.png"]')
    expect(refused).to_have_attribute("data-ok", "no")
    expect(refused).to_contain_text("notes.png is not a supported file")
    expect(results.locator('[data-file="sunrise.png"]')).to_have_attribute("data-ok", "yes")

    tile = page.locator('#media-grid [data-asset="sunrise.png"]')
    expect(tile).to_contain_text("PNG · ")
    expect(tile).to_contain_text("320×200")
    expect(tile).to_contain_text("No alt text")
    expect(page.locator("#media-grid [data-asset]")).to_have_count(1)
    thumb = tile.locator("img")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )

    # Describe it and put it in a new folder.
    tile.click()
    dialog = page.locator("#media-detail")
    expect(dialog).to_contain_text("Not used yet")
    dialog.locator("#media-detail-alt_text").fill("Orange sky over the bakery at dawn")
    dialog.locator("#media-detail-tags").fill("Morning, storefront")
    dialog.locator("#media-detail-folder").fill("Launch")
    dialog.locator("#media-detail-save").click()
    expect(page.locator("#media-folders [data-folder='Launch']")).to_contain_text("1")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(tile).not_to_contain_text("No alt text")

    # Search reads alt text and tags.
    page.locator("#media-search").fill("dawn")
    page.locator("#media-search").press("Enter")
    expect(page.locator("#media-grid [data-asset]")).to_have_count(1)
    page.locator("#media-search").fill("storefront")
    page.locator("#media-search").press("Enter")
    expect(tile).to_be_visible()
    page.locator("#media-search").fill("croissant")
    page.locator("#media-search").press("Enter")
    expect(page.locator("#media-no-match")).to_be_visible()
    page.locator("#media-clear-filters").click()
    expect(tile).to_be_visible()
    # Filters: its tag finds it; another kind does not.
    choose(page, "#media-tag", "storefront")
    expect(tile).to_be_visible()
    choose(page, "#media-kind", "Video")
    expect(page.locator("#media-no-match")).to_be_visible()
    page.locator("#media-clear-filters").click()
    expect(tile).to_be_visible()

    # Folders: the file sits in Launch, not at the top level; renaming keeps it inside.
    page.locator("#media-folders [data-folder='']").click()
    expect(page.locator("#media-no-match")).to_be_visible()
    page.locator("#media-folders [data-folder='Launch']").click()
    expect(tile).to_be_visible()
    page.locator("#rename-folder").click()
    page.locator("#rename-folder-new_name").fill("Spring launch")
    page.locator("#rename-folder-submit").click()
    expect(page.locator("#media-folders [data-folder='Spring launch']")).to_contain_text("1")
    expect(page.locator("#media-folders [data-folder='Launch']")).to_have_count(0)
    expect(tile).to_be_visible()

    # What was saved is what a reload shows.
    page.reload()
    page.locator('#media-grid [data-asset="sunrise.png"]').click()
    expect(page.locator("#media-detail-alt_text")).to_have_value(
        "Orange sky over the bakery at dawn"
    )
    expect(page.locator("#media-detail-tags")).to_have_value("morning, storefront")
    expect(page.locator("#media-detail-folder")).to_have_value("Spring launch")
