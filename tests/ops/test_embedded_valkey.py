"""The embedded Valkey that replaces Redis when SOCIALMUSE_REDIS_URL is unset."""

from __future__ import annotations

import os
import signal

import psutil
import redis

from socialmuse.embedded_redis import EmbeddedValkey

from .helpers import port_is_free, wait_for


def test_starts_answers_persists_and_stops_cleanly(tmp_path):
    server = EmbeddedValkey(tmp_path)
    url = server.start()
    pid = server.pid
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert url.startswith("redis://127.0.0.1:")
    client = redis.Redis.from_url(url)
    assert client.ping()
    client.set("scheduled-post", "42")
    assert (tmp_path / "valkey" / "valkey.conf").exists()

    server.stop()
    assert not server.alive()
    wait_for(lambda: not psutil.pid_exists(pid), 5, "the valkey-server process to exit")
    assert port_is_free(port)
    assert any((tmp_path / "valkey").rglob("*.aof")), "append-only file missing: data would be lost"

    with EmbeddedValkey(tmp_path) as again:  # a restart reads the same files back
        assert redis.Redis.from_url(again.url).get("scheduled-post") == b"42"


def test_terminal_ctrl_c_does_not_reach_valkey_directly(tmp_path):
    """SIGINT is blocked in Valkey so the supervisor decides the shutdown order."""
    with EmbeddedValkey(tmp_path) as server:
        os.kill(server.pid, signal.SIGINT)
        assert redis.Redis.from_url(server.url).ping()
        assert server.alive()


def test_stop_is_idempotent(tmp_path):
    server = EmbeddedValkey(tmp_path)
    server.stop()  # never started: nothing to do
    server.start()
    server.stop()
    server.stop()
    assert not server.alive()
