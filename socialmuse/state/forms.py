"""Turning a service's refusal into text shown next to the field the person typed in."""

from __future__ import annotations

from socialmuse.services.errors import AuthError, DomainError

FORM = "form"
"""Key for errors that belong to no single field; shown above the submit button."""


def field_errors(exc: DomainError) -> dict[str, str]:
    """``{field: message}`` for one refusal; an ended login is re-raised, not shown inline.

    Re-raising lets the app's exception handler send the person to the log-in page instead
    of printing "your session has ended" under some unrelated input.
    """
    if isinstance(exc, AuthError) and exc.field is None:
        raise exc
    return {exc.field or FORM: exc.message}


def text(form_data: dict[str, str], key: str) -> str:
    """A submitted value as text (absent fields and checkboxes come through as '')."""
    value = form_data.get(key, "")
    return value if isinstance(value, str) else str(value)


def checked_ids(form_data: dict[str, str], prefix: str) -> list[int]:
    """Ids of the ticked checkboxes named ``{prefix}{id}`` (a browser omits unticked ones)."""
    ids = []
    for key, value in form_data.items():
        if (
            key.startswith(prefix)
            and key[len(prefix) :].isdigit()
            and value not in ("", "off", False)
        ):
            ids.append(int(key[len(prefix) :]))
    return sorted(ids)
