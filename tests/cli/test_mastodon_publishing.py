"""End to end through the CLI against the Mastodon emulator: faults never duplicate."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from socialmuse.emulators.base import EmulatorServer, Fault
from socialmuse.emulators.mastodon import MastodonEmulator


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ),
    )


def ok_json(*args: str) -> Any:
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture()
def mastodon() -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator()
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def brand_id(session: Session) -> int:
    admin = ok_json(
        "create-admin",
        "--email",
        "m@example.com",
        "--password",
        "a long passphrase",
        "--org-name",
        "M",
    )
    return int(
        ok_json(
            "brands",
            "create",
            "--org-id",
            str(admin["organization_id"]),
            "--name",
            "B",
            "--timezone",
            "Europe/Berlin",
        )["id"]
    )


def connect(mastodon: MastodonEmulator, brand_id: int) -> tuple[dict[str, Any], str]:
    account, token = mastodon.create_account("alice")
    connected = ok_json(
        "accounts",
        "connect",
        "mastodon",
        "--brand-id",
        str(brand_id),
        "--instance",
        mastodon.base_url,
        "--access-token",
        token,
    )
    return connected, account.id


def test_post_reaches_mastodon_once_even_when_it_answers_500_after_saving(
    mastodon: MastodonEmulator, brand_id: int
) -> None:
    account, remote_id = connect(mastodon, brand_id)
    assert account["platform"] == "mastodon" and account["handle"].startswith("alice@")
    mastodon.inject(Fault("POST", "/api/v1/statuses", "error_after_save"))
    post = ok_json(
        "posts",
        "create",
        "--brand-id",
        str(brand_id),
        "--account-id",
        str(account["id"]),
        "--text",
        "Saved, then the server said 500",
        "--now",
    )
    result = cli("publish-due", "--wait", "--timeout", "60")
    assert result.returncode == 0, result.stdout + result.stderr
    [target] = ok_json("posts", "show", str(post["id"]))["targets"]
    assert target["status"] == "published"
    assert [a["outcome"] for a in target["attempts"]] == ["unknown"]
    assert mastodon.status_count(remote_id) == 1
    assert target["permalink"].startswith(mastodon.base_url)


def test_a_bad_token_is_refused_where_it_was_typed(
    mastodon: MastodonEmulator, brand_id: int
) -> None:
    result = cli(
        "accounts",
        "connect",
        "mastodon",
        "--brand-id",
        str(brand_id),
        "--instance",
        mastodon.base_url,
        "--access-token",
        "not-a-token",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: access_token: ") and "Mastodon" in result.stderr
    assert ok_json("accounts", "list", "--brand-id", str(brand_id)) == []


def test_rejection_reaches_the_person_in_mastodons_words(
    mastodon: MastodonEmulator, brand_id: int
) -> None:
    account, remote_id = connect(mastodon, brand_id)
    mastodon.inject(
        Fault(
            "POST",
            "/api/v1/statuses",
            "status",
            status=422,
            body={"error": "Validation failed: Text can't be blank"},
        )
    )
    post = ok_json(
        "posts",
        "create",
        "--brand-id",
        str(brand_id),
        "--account-id",
        str(account["id"]),
        "--text",
        "refused",
        "--now",
    )
    assert cli("publish-due", "--wait").returncode == 1
    [target] = ok_json("posts", "show", str(post["id"]))["targets"]
    assert target["status"] == "failed" and "Text can't be blank" in target["last_error"]
    assert mastodon.status_count(remote_id) == 0


def tiny_png(path: Path) -> Path:
    """A real 2×2 PNG, so type sniffing and the network see an image."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def test_media_thread_and_first_comment_from_the_cli(
    mastodon: MastodonEmulator, brand_id: int, tmp_path: Path
) -> None:
    account, remote_id = connect(mastodon, brand_id)
    image = tiny_png(tmp_path / "photo.png")
    post = ok_json(
        "posts",
        "create",
        "--brand-id",
        str(brand_id),
        "--account-id",
        str(account["id"]),
        "--text",
        "With a picture",
        "--media",
        str(image),
        "--thread",
        "Part two",
        "--first-comment",
        "First!",
        "--now",
    )
    assert cli("publish-due", "--wait").returncode == 0
    [target] = ok_json("posts", "show", str(post["id"]))["targets"]
    assert target["status"] == "published"
    assert mastodon.status_count(remote_id) == 3
    uploads = mastodon.requests("POST", "/api/v2/media")
    assert len(uploads) == 1 and b"\x89PNG" in uploads[0].body


def test_a_file_that_is_not_media_is_refused(
    mastodon: MastodonEmulator, brand_id: int, tmp_path: Path
) -> None:
    account, _ = connect(mastodon, brand_id)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just words")
    result = cli(
        "posts",
        "create",
        "--brand-id",
        str(brand_id),
        "--account-id",
        str(account["id"]),
        "--text",
        "x",
        "--media",
        str(bogus),
        "--now",
    )
    assert result.returncode == 1 and "Mastodon" in result.stderr
