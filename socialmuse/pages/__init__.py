"""Every page of the web UI; importing this package registers them all (one route, one module)."""

from socialmuse.pages import (
    analytics,
    calendar,
    compose,
    dashboard,
    inbox,
    invite,
    login,
    media,
    post,
    settings_accounts,
    settings_audit,
    settings_brands,
    settings_organization,
    settings_team,
    signup,
    workflows,
)

__all__ = [
    "analytics",
    "calendar",
    "compose",
    "dashboard",
    "inbox",
    "invite",
    "login",
    "media",
    "post",
    "settings_accounts",
    "settings_audit",
    "settings_brands",
    "settings_organization",
    "settings_team",
    "signup",
    "workflows",
]
