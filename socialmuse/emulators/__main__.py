"""Run one emulator in the foreground: ``python -m socialmuse.emulators NAME``.

NAME is mastodon, bluesky, or one of the AI providers: openai, elevenlabs, did.

Prints one JSON line when it serves (``{"url": ..., "accounts": [...]}``) and stops on
SIGINT or SIGTERM. Tests and benchmarks in other processes drive it over HTTP: faults with
``POST /_emulator/faults``, the request log with ``GET /_emulator/log``, latency with
``POST /_emulator/latency``, and post counts with ``GET /_emulator/counts`` (added here).

  --port N           listen on this loopback port (default: a free one)
  --latency S        seconds added to every network request (not the /_emulator routes)
  --status-limit N   Mastodon: statuses an account may create per 3 hours (default 300)
  --accounts K       pre-create K accounts; their ids and credentials are in the JSON line
                     (Mastodon: id, username, token; Bluesky: did, handle, app_password)
  --accounts-file F  also write that JSON to F (500 accounts make a long line)
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.base import Emulator, EmulatorServer


def _counts_route(counts: Any) -> BaseRoute:
    async def get_counts(request: Request) -> Response:
        return JSONResponse(counts())

    return Route("/_emulator/counts", get_counts, methods=["GET"])


def build(args: argparse.Namespace) -> tuple[Emulator, list[dict[str, str]]]:
    """The emulator, its extra control route, and the accounts created up front."""
    accounts: list[dict[str, str]] = []
    if args.network in ("openai", "elevenlabs", "did"):
        return _ai_emulator(args), accounts
    if args.network == "mastodon":
        from socialmuse.emulators.mastodon import MastodonEmulator

        mastodon = MastodonEmulator(latency=args.latency, status_limit=args.status_limit)

        def mastodon_counts() -> dict[str, Any]:
            """Statuses per account and how often each (account, text) was posted."""
            with mastodon.lock:
                statuses = list(mastodon.statuses.values())
            per_account = Counter(s.account_id for s in statuses)
            texts = Counter((s.account_id, s.text) for s in statuses)
            return {
                "total": len(statuses),
                "per_account": dict(per_account),
                "duplicates": [
                    {"account_id": a, "text": t, "count": n} for (a, t), n in texts.items() if n > 1
                ],
                "status_429": sum(1 for r in mastodon.requests() if r.status == 429),
            }

        _attach(mastodon, mastodon_counts)
        for n in range(args.accounts):
            account, token = mastodon.create_account(f"user{n}")
            accounts.append({"id": account.id, "username": account.username, "token": token})
        return mastodon, accounts

    from socialmuse.emulators.bluesky.emulator import BlueskyEmulator

    bluesky = BlueskyEmulator(latency=args.latency)

    def bluesky_counts() -> dict[str, Any]:
        with bluesky.lock:
            handles = [a["handle"] for a in accounts]
        per_account = {h: bluesky.post_count(h) for h in handles}
        return {
            "total": sum(per_account.values()),
            "per_account": per_account,
            "status_429": sum(1 for r in bluesky.requests() if r.status == 429),
        }

    _attach(bluesky, bluesky_counts)
    for n in range(args.accounts):
        handle, password = f"user{n}.test", f"app-pass-{n:04d}"
        created = bluesky.create_account(handle, password)
        accounts.append({"did": created.did, "handle": handle, "app_password": password})
    return bluesky, accounts


def _ai_emulator(args: argparse.Namespace) -> Emulator:
    """The AI provider emulators (no accounts; their keys are the modules' DEFAULT_KEY)."""
    if args.network == "openai":
        from socialmuse.emulators.openai_compat import OpenAICompatEmulator

        return OpenAICompatEmulator(latency=args.latency)
    if args.network == "elevenlabs":
        from socialmuse.emulators.elevenlabs import ElevenLabsEmulator

        return ElevenLabsEmulator(latency=args.latency)
    from socialmuse.emulators.did import DIDEmulator

    return DIDEmulator(latency=args.latency)


def _attach(emulator: Emulator, counts: Any) -> None:
    """Add ``GET /_emulator/counts`` beside the base control routes."""
    base_routes = emulator._control_routes

    def control_routes() -> list[BaseRoute]:
        return [_counts_route(counts), *base_routes()]

    emulator._control_routes = control_routes  # type: ignore[method-assign]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m socialmuse.emulators", description="Run one network emulator."
    )
    parser.add_argument("network", choices=["mastodon", "bluesky", "openai", "elevenlabs", "did"])
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--status-limit", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=0)
    parser.add_argument("--accounts-file", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    emulator, accounts = build(args)
    server = EmulatorServer(emulator, port=args.port)
    stop = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.start()
    for account in accounts:  # Mastodon permalinks carry the instance URL
        account["instance_url"] = server.url
    info = {"network": args.network, "url": server.url, "accounts": accounts}
    if args.accounts_file is not None:
        args.accounts_file.write_text(json.dumps(info))
    print(json.dumps(info), flush=True)
    print(f"{args.network} emulator serving on {server.url} (Ctrl-C to stop)", file=sys.stderr)
    while not stop.wait(0.5):
        if server.thread is not None and not server.thread.is_alive():
            return 1
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
