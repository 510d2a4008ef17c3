"""The validation door: a text and files on disk checked against one network, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from socialmuse.cli_validate import validate
from socialmuse.models.enums import Platform
from socialmuse.services.errors import ValidationError
from socialmuse.services.validation import sniff_content_type, validate_variant

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
GIF = b"GIF89a\x01\x00\x01\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00"


def write(folder: Path, name: str, head: bytes, size: int = 1000) -> Path:
    path = folder / name
    path.write_bytes(head + b"\x00" * (size - len(head)))
    return path


def cli_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(validate)
    return app


def test_a_text_within_limits_is_ok() -> None:
    report = validate_variant(platform="bluesky", text="Hello from the café ☕")
    assert report.ok
    assert report.network == "bluesky"
    assert report.network_name == "Bluesky"
    assert report.length == 21
    assert report.limit == 300
    assert report.unit == "graphemes"
    assert report.bytes == len("Hello from the café ☕".encode())
    assert report.byte_limit == 3000
    assert report.problems == []


def test_a_long_text_reports_the_networks_reason() -> None:
    report = validate_variant(platform=Platform.X, text="a" * 281)
    assert not report.ok
    assert [p.code for p in report.problems] == ["text_too_long"]
    assert report.problems[0].message.startswith("X allows 280 characters")


def test_the_instance_limit_is_passed_through() -> None:
    report = validate_variant(platform="mastodon", text="a" * 600, limit=1000)
    assert report.ok
    assert report.limit == 1000


def test_an_unknown_network_is_refused_on_the_network_field() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_variant(platform="myspace", text="hi")
    assert refused.value.field == "network"
    assert "myspace" in refused.value.message
    assert "bluesky" in refused.value.message


def test_a_missing_file_is_refused_on_the_media_field(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_variant(platform="x", text="hi", media_paths=[tmp_path / "gone.jpg"])
    assert refused.value.field == "media"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (MP4, "video/mp4"),
        (MOV, "video/quicktime"),
        (b"%PDF-1.7\n", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_file_types_are_read_from_content(head: bytes, expected: str) -> None:
    assert sniff_content_type(head) == expected


def test_media_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    disguised = write(tmp_path, "photo.jpg", PNG)
    report = validate_variant(platform="instagram", text="New menu", media_paths=[disguised])
    assert [p.code for p in report.problems] == ["media_type"]
    assert "photo.jpg is a PNG file" in report.problems[0].message


def test_an_unrecognised_file_is_a_problem(tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.pdf", b"%PDF-1.7\n")
    report = validate_variant(platform="x", text="read this", media_paths=[notes])
    assert [p.code for p in report.problems] == ["media_type"]
    assert "notes.pdf is not a recognised image or video" in report.problems[0].message


def test_media_size_comes_from_the_file(tmp_path: Path) -> None:
    big = write(tmp_path, "big.jpg", JPEG, size=2_000_001)
    report = validate_variant(platform="bluesky", text="look", media_paths=[big])
    assert [p.code for p in report.problems] == ["media_too_large"]
    fine = write(tmp_path, "fine.jpg", JPEG, size=2_000_000)
    assert validate_variant(platform="bluesky", text="look", media_paths=[fine]).ok


def test_instagram_with_a_jpeg_passes_and_without_media_fails(tmp_path: Path) -> None:
    photo = write(tmp_path, "photo.jpg", JPEG)
    assert validate_variant(platform="instagram", text="#coffee", media_paths=[photo]).ok
    report = validate_variant(platform="instagram", text="#coffee")
    assert [p.code for p in report.problems] == ["media_required"]


def test_thread_parts_and_first_comment_are_checked_too() -> None:
    report = validate_variant(
        platform="x", text="one", thread=["two", "t" * 281], first_comment="c" * 300
    )
    messages = [p.message for p in report.problems]
    assert len(messages) == 2
    assert "thread part 3 has 281" in messages[0]
    assert "the first comment has 300" in messages[1]


def test_cli_prints_a_human_report_and_exits_0_when_ok() -> None:
    result = CliRunner().invoke(cli_app(), ["--network", "x", "--text", "hello 日本"])
    assert result.exit_code == 0, result.output
    assert "X: 10 / 280 weighted characters" in result.output
    assert "ok" in result.output


def test_cli_exits_1_and_lists_problems(tmp_path: Path) -> None:
    clip = write(tmp_path, "clip.mp4", MP4)
    photo = write(tmp_path, "photo.jpg", JPEG)
    args = ["--network", "mastodon", "--text", "a" * 501, "--media", str(clip)]
    result = CliRunner().invoke(cli_app(), [*args, "--media", str(photo)])
    assert result.exit_code == 1
    assert "problem [text_too_long]: Mastodon allows 500 characters" in result.output
    assert "problem [media_mixed]" in result.output


def test_cli_json_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli_app(), ["--network", "bluesky", "--text", "👨‍👩‍👧‍👦" * 121, "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["length"] == 121
    assert report["bytes"] == 3025
    assert report["ok"] is False
    assert report["problems"][0]["code"] == "text_too_long"


def test_cli_refuses_an_unknown_network_in_one_line() -> None:
    result = CliRunner().invoke(cli_app(), ["--network", "myspace", "--text", "hi"])
    assert result.exit_code == 1
    assert "error: network: Unknown network 'myspace'" in result.output
