"""Fixtures for the operational tests (helpers live in helpers.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .helpers import Spawned


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Spawned]]:
    started: list[Spawned] = []

    def _spawn(
        argv: list[str], env: dict[str, str] | None = None, name: str = "supervisor"
    ) -> Spawned:
        # A given env is complete: merging os.environ back in would leak the suite's own
        # SOCIALMUSE_* settings (set by the backend fixture) into the supervisor.
        full_env = {**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"}
        s = Spawned(argv, tmp_path / f"{name}-{len(started)}.log", full_env)
        started.append(s)
        return s

    yield _spawn
    for s in started:
        s.close()
