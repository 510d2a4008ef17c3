"""Publishing from the command line: connect a Sandbox account, post, publish, show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from sqlmodel import Session, select

from socialmuse.models import Post


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def ok_json(*args: str) -> Any:
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sandbox_round_trip(session: Session) -> None:
    admin = ok_json(
        "create-admin",
        "--email",
        "pub@example.com",
        "--password",
        "a long passphrase",
        "--org-name",
        "Pub",
    )
    brand = ok_json(
        "brands",
        "create",
        "--org-id",
        str(admin["organization_id"]),
        "--name",
        "B",
        "--timezone",
        "Europe/Paris",
    )
    account = ok_json(
        "accounts", "connect", "sandbox", "--brand-id", str(brand["id"]), "--handle", "tester"
    )
    assert account["platform"] == "sandbox" and account["status"] == "connected"
    assert "credentials" not in json.dumps(account)
    listed = ok_json("accounts", "list", "--brand-id", str(brand["id"]))
    assert [a["handle"] for a in listed] == ["tester"]
    post = ok_json(
        "posts",
        "create",
        "--brand-id",
        str(brand["id"]),
        "--account-id",
        str(account["id"]),
        "--text",
        "Hello from the CLI",
        "--now",
    )
    assert [t["status"] for t in post["targets"]] == ["scheduled"]
    published = cli("publish-due", "--wait")
    assert published.returncode == 0, published.stderr
    assert "published 1 target(s), 0 failed" in published.stdout
    shown = ok_json("posts", "show", str(post["id"]))
    [target] = shown["targets"]
    assert target["status"] == "published" and target["permalink"].endswith(
        f"/sandbox/{target['external_id']}"
    )
    assert [a["outcome"] for a in target["attempts"]] == ["success"]
    assert cli("publish-due", "--wait").stdout.startswith("published 0 target(s)")


def test_refusals_create_nothing(session: Session) -> None:
    admin = ok_json(
        "create-admin",
        "--email",
        "ref@example.com",
        "--password",
        "a long passphrase",
        "--org-name",
        "Ref",
    )
    brand = ok_json(
        "brands",
        "create",
        "--org-id",
        str(admin["organization_id"]),
        "--name",
        "B",
        "--timezone",
        "Europe/Paris",
    )
    account = ok_json(
        "accounts", "connect", "sandbox", "--brand-id", str(brand["id"]), "--handle", "t"
    )
    base = ["posts", "create", "--brand-id", str(brand["id"]), "--account-id", str(account["id"])]
    cases = [
        ([*base, "--text", "x", "--at", "2020-01-01T10:00"], "in the past"),
        ([*base, "--text", "x", "--at", "2027-03-28T02:30"], "does not exist in Europe/Paris"),
        ([*base, "--text", "x" * 5000, "--now"], "Sandbox"),
        (
            [
                "posts",
                "create",
                "--brand-id",
                str(brand["id"]),
                "--account-id",
                "999",
                "--text",
                "x",
                "--now",
            ],
            "no account with id 999",
        ),
        ([*base, "--text", "x"], "Choose when"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
    assert session.exec(select(Post)).all() == []


def test_publish_due_exits_non_zero_when_a_target_fails(session: Session) -> None:
    admin = ok_json(
        "create-admin",
        "--email",
        "fail@example.com",
        "--password",
        "a long passphrase",
        "--org-name",
        "F",
    )
    brand = ok_json(
        "brands",
        "create",
        "--org-id",
        str(admin["organization_id"]),
        "--name",
        "B",
        "--timezone",
        "UTC",
    )
    account = ok_json(
        "accounts", "connect", "sandbox", "--brand-id", str(brand["id"]), "--handle", "t"
    )
    post = ok_json(
        "posts",
        "create",
        "--brand-id",
        str(brand["id"]),
        "--account-id",
        str(account["id"]),
        "--text",
        "please #fail-rejected",
        "--now",
    )
    result = cli("publish-due", "--wait")
    assert result.returncode == 1 and "1 failed" in result.stdout
    [target] = ok_json("posts", "show", str(post["id"]))["targets"]
    assert target["status"] == "failed" and "#fail-rejected" in target["last_error"]
