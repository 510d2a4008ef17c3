"""A real SMTP server (aiosmtpd) in the test process that the running app mails to."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """Messages received so far; ``wait_for`` blocks until one matches (or times out)."""

    messages: list[Message] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    env: dict[str, str] = field(default_factory=dict)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, to: str, timeout: float = 90.0) -> Message:
        def found() -> Message | None:
            return next((m for m in self.messages if to in (m["To"] or "")), None)

        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, timeout=timeout)
            message = found()
        if message is None:
            pytest.fail(f"no email to {to} arrived within {timeout:.0f}s")
        return message


@pytest.fixture(scope="package")
def mail_server() -> Iterator[Inbox]:
    """Started before the app, whose SOCIALMUSE_SMTP_* settings point here."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.env = {
        "SOCIALMUSE_SMTP_HOST": "127.0.0.1",
        "SOCIALMUSE_SMTP_PORT": str(port),
        "SOCIALMUSE_SMTP_STARTTLS": "false",
        "SOCIALMUSE_SMTP_FROM": "SocialMuse <reports@socialmuse.test>",
    }
    try:
        yield inbox
    finally:
        controller.stop()
