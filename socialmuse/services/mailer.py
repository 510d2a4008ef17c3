"""Outgoing email over SMTP (``smtplib``): scheduled reports and milestone alerts.

One function, ``send``, builds a MIME message with optional attachments and hands it to the
server configured by ``SOCIALMUSE_SMTP_*``. Every failure (server down, refused login,
refused recipient) becomes a ``MailError`` with a plain-words message, so callers can show
it and try again later; the SMTP password never appears in it.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlmodel import Session

from socialmuse.settings import Settings, get_settings

TIMEOUT_S = 30


class MailError(Exception):
    """The message was not accepted; ``message`` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "application/pdf"
    data: bytes


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def is_configured(settings: Settings | None = None) -> bool:
    """Whether an SMTP host is set (email is off otherwise)."""
    return bool((settings or get_settings()).smtp_host.strip())


def build_message(email: Email, *, sender: str) -> EmailMessage:
    """The MIME message: a plain-text body, then each attachment as its own part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(email.to)
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="socialmuse")
    message.set_content(email.body)
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    return ", ".join(
        f"{address} ({code} {reply.decode(errors='replace')})"
        for address, (code, reply) in recipients.items()
    )


def send(email: Email, *, settings: Settings | None = None) -> None:
    """Deliver ``email`` to the SMTP server, or raise ``MailError`` saying why not.

    A server that accepts some recipients and refuses others counts as a failure: a report
    that silently skipped half its readers would look delivered.
    """
    settings = settings or get_settings()
    if not is_configured(settings):
        raise MailError("Email is not set up: set SOCIALMUSE_SMTP_HOST to an SMTP server.")
    if not email.to:
        raise MailError("The email has no recipients.")
    host, port = settings.smtp_host.strip(), settings.smtp_port
    message = build_message(email, sender=settings.smtp_from)
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_S) as client:
            client.ehlo()
            if settings.smtp_starttls:
                if not client.has_extn("starttls"):
                    raise MailError(
                        f"The SMTP server {host}:{port} does not offer STARTTLS; set "
                        "SOCIALMUSE_SMTP_STARTTLS=false only if it is on a trusted network."
                    )
                client.starttls()
                client.ehlo()
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password)
            refused = client.send_message(message, to_addrs=list(email.to))
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"The SMTP server {host}:{port} refused the login for {settings.smtp_username}."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(
            f"The SMTP server refused every recipient: {_refused(exc.recipients)}."
        ) from None
    except smtplib.SMTPResponseException as exc:
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        raise MailError(f"The SMTP server refused the message: {exc.smtp_code} {reply}.") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"Could not reach the SMTP server {host}:{port}: {exc}.") from None
    if refused:
        raise MailError(f"The SMTP server refused some recipients: {_refused(refused)}.")


def parse_recipients(value: str | Sequence[str]) -> list[str]:
    """Addresses from a comma/semicolon/space separated string (or a list), deduplicated."""
    parts = value if not isinstance(value, str) else value.replace(";", ",").split(",")
    out: list[str] = []
    for part in parts:
        for token in str(part).split():
            address = token.strip().strip(",")
            if address and address.lower() not in {a.lower() for a in out}:
                out.append(address)
    return out


def send_milestone_emails(session: Session, *, limit: int = 50) -> tuple[int, list[str]]:
    """Mail the milestone alerts not yet emailed (``services.milestones.pending_emails``).

    Each alert goes to the brand's members who have an email address; once accepted, every
    unsent alert of the same subject is marked, so a jump past three thresholds is one
    email. A refused send leaves the alert pending for the next pass. Returns how many
    emails went out and the errors of those that did not.
    """
    from socialmuse.services import milestones

    if not is_configured():
        return 0, []
    base_url = get_settings().base_url
    sent, errors = 0, []
    for pending in milestones.pending_emails(session, limit=limit):
        ids = milestones.alert_ids_for(session, pending.alert_id)
        if not pending.recipients:
            milestones.mark_emailed(session, ids)  # nobody to tell: do not retry forever
            continue
        link = f"\n\nSee it in SocialMuse: {base_url}{pending.link}" if pending.link else ""
        try:
            send(
                Email(
                    to=pending.recipients,
                    subject=pending.subject,
                    body=f"{pending.body}{link}\n",
                )
            )
        except MailError as exc:
            errors.append(exc.message)
            continue
        milestones.mark_emailed(session, ids)
        session.commit()
        sent += 1
    return sent, errors


def send_notification_emails(session: Session, *, limit: int = 50) -> tuple[int, list[str]]:
    """Mail in-app notifications (approval requests and decisions, reconnect warnings, ...).

    One email per notification to its person; a refused send leaves it pending for the next
    pass. Returns how many went out and the errors of those that did not.
    """
    from socialmuse.services import notifications

    if not is_configured():
        return 0, []
    base_url = get_settings().base_url
    sent, errors = 0, []
    for pending in notifications.pending_emails(session, limit=limit):
        if not notifications.claim_email(session, pending.notification_id):
            continue  # another worker is sending it
        link = f"\n\nOpen it in SocialMuse: {base_url}{pending.link}" if pending.link else ""
        try:
            send(Email(to=(pending.to,), subject=pending.subject, body=f"{pending.body}{link}\n"))
        except MailError as exc:
            notifications.release_email(session, pending.notification_id)
            errors.append(exc.message)
            continue
        sent += 1
    return sent, errors
