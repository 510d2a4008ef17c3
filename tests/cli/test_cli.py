"""The CLI as scripts use it: real processes, JSON output, one-line refusals, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from socialmuse.models import Brand, Membership, User


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def ok_json(*args: str) -> Any:
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_create_admin_then_brands(session: Session) -> None:
    admin = ok_json(
        "create-admin",
        "--email",
        "Op@Example.com",
        "--password",
        "a long passphrase",
        "--org-name",
        "Ops Inc",
    )
    assert admin["email"] == "op@example.com" and admin["role"] == "super_admin"
    org = str(admin["organization_id"])
    brand = ok_json(
        "brands", "create", "--org-id", org, "--name", "Tea", "--timezone", "Asia/Kolkata"
    )
    assert brand["timezone"] == "Asia/Kolkata" and brand["organization_id"] == int(org)
    listed = ok_json("brands", "list", "--org-id", org)
    assert [b["name"] for b in listed] == ["Tea"]
    human = cli("brands", "list", "--org-id", org)
    assert human.stdout.strip() == f"{brand['id']}\tTea\tAsia/Kolkata"
    assert session.exec(select(Membership.role)).all() == ["super_admin"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("brands", "create", "--org-id", "999", "--name", "X", "--timezone", "UTC"),
            "no organization with id 999",
        ),
        (
            (
                "create-admin",
                "--email",
                "bad",
                "--password",
                "a long passphrase",
                "--org-name",
                "O",
            ),
            "email: That email address is not valid",
        ),
        (
            ("create-admin", "--email", "x@example.com", "--password", "short", "--org-name", "O"),
            "password: Use at least 10 characters",
        ),
    ],
)
def test_refusals_are_one_line_and_create_nothing(
    session: Session, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert session.exec(select(User)).all() == [] and session.exec(select(Brand)).all() == []


def test_invalid_timezone_via_cli(session: Session) -> None:
    admin = ok_json(
        "create-admin",
        "--email",
        "tz@example.com",
        "--password",
        "a long passphrase",
        "--org-name",
        "Tz",
    )
    result = cli(
        "brands",
        "create",
        "--org-id",
        str(admin["organization_id"]),
        "--name",
        "B",
        "--timezone",
        "Moon/Base",
    )
    assert result.returncode == 1 and "timezone: 'Moon/Base' is not an IANA timezone" in (
        result.stderr
    )
    assert session.exec(select(Brand)).all() == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SOCIALMUSE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            "cannot reach the database",
        ),
        ({"SOCIALMUSE_DATABASE_URL": "oracle://x"}, "supports postgresql and sqlite"),
        ({"SOCIALMUSE_REDIS_URL": "redis://127.0.0.1:1/0"}, "cannot reach Redis"),
    ],
)
def test_bad_settings_stop_with_one_readable_line(env: dict[str, str], message: str) -> None:
    command = "scheduler" if "REDIS" in next(iter(env)) else "migrate"
    result = cli(command, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_demo_seeds_a_usable_login(session: Session) -> None:
    first = ok_json("demo")
    second = ok_json("demo")
    assert first["organization_id"] == second["organization_id"]
    assert first["brand_ids"] == second["brand_ids"] and len(first["brand_ids"]) == 2
    assert first["password"] != second["password"]
    from socialmuse.services import auth

    signed = auth.log_in(session, email=second["email"], password=second["password"])
    assert signed.organization_id == second["organization_id"]
    members = session.exec(
        select(Membership).where(Membership.organization_id == second["organization_id"])
    ).all()
    assert sorted(m.role for m in members) == ["super_admin", "team_member"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SOCIALMUSE_REDIS_URL": "redis://127.0.0.1:1/0"}, "cannot reach Redis"),
        (
            {"SOCIALMUSE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            "cannot reach the database",
        ),
        ({"SOCIALMUSE_DATABASE_URL": "mysql://x/y"}, "supports postgresql and sqlite"),
    ],
)
def test_run_refuses_bad_settings_in_one_line_before_starting_anything(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMUSE_")}
    result = subprocess.run(
        [sys.executable, "-m", "socialmuse.cli", "run"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, "SOCIALMUSE_DATA_DIR": str(tmp_path), **env},
    )
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "starting at" not in result.stdout
