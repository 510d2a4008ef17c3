"""Every route path of the web UI, with the few URL builders that need arguments.

Plain strings only (no Reflex import), so services and tests can share them.
"""

from __future__ import annotations

from urllib.parse import quote

DASHBOARD = "/"
LOGIN = "/login"
SIGNUP = "/signup"
COMPOSE = "/compose"
CALENDAR = "/calendar"
MEDIA = "/media"
ANALYTICS = "/analytics"
INBOX = "/inbox"
WORKFLOWS = "/workflows"
SETTINGS_ORGANIZATION = "/settings"
SETTINGS_BRANDS = "/settings/brands"
SETTINGS_TEAM = "/settings/team"
SETTINGS_AUDIT = "/settings/audit"
SETTINGS_ACCOUNTS = "/settings/accounts"
SETTINGS_AI = "/settings/ai"
POST = "/posts/[post_id]"
INVITE = "/invite/[invite_token]"
CALENDAR_IMPORT = "/calendar/import"


def invite_path(token: str) -> str:
    """Where a person accepts an invitation (services build the absolute link the same way)."""
    return f"/invite/{quote(token, safe='')}"


def post_path(post_id: int | str) -> str:
    """One post's page: its text, its deliveries and their attempts."""
    return f"/posts/{quote(str(post_id), safe='')}"


def is_local_path(path: str) -> bool:
    """Only same-site paths may be redirect targets (no ``//evil.example`` or schemes)."""
    return path.startswith("/") and not path.startswith("//") and "\\" not in path


def after_login(next_path: str) -> str:
    """Where a logged-in person goes from the log-in page: back to ``?next=`` or home.

    The log-in form and the log-in page's own "already logged in" check must agree: when a
    person submits before the page's load handler has run, both send a redirect, and the later
    one wins.
    """
    return next_path if is_local_path(next_path) else DASHBOARD


SETTINGS_SNIPPETS = "/settings/snippets"


REVIEW = "/review/[review_token]"


def review_path(token: str) -> str:
    """Where a client reviews one post without an account (the token is the credential)."""
    return f"/review/{quote(token, safe='')}"


ANALYTICS_REPORTS = "/analytics/reports"


SETTINGS_SLOTS = "/settings/slots"
