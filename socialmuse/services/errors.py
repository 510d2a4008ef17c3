"""Typed domain errors. Doors show ``message`` next to ``field`` (the form field at fault)."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal a person can understand and act on."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """The input is wrong; nothing was changed."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it does."""


class PermissionDenied(DomainError):
    """The actor's role or brand scope does not allow this."""


class AuthError(DomainError):
    """Bad credentials, or a session that is missing, expired or revoked."""


class Throttled(DomainError):
    """Too many attempts; ``retry_after`` seconds until the next one is considered."""

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
