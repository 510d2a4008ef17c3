"""Rules for what a person types about themselves: email, password, names."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from socialmuse.services.errors import ValidationError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
_COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "admin12345",
        "administrator",
        "abcdefghij",
        "1q2w3e4r5t",
        "0987654321",
        "football12",
        "baseball12",
        "sunshine12",
        "princess12",
        "changeme123",
        "socialmuse",
        "socialmuse1",
        "socialmuse123",
    }
)


def normalize_email(email: str) -> str:
    """The canonical form we store and compare; refuses what cannot be an address."""
    email = (email or "").strip()
    if not email:
        raise ValidationError("Enter your email address.", field="email")
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"That email address is not valid: {exc}", field="email") from None
    return result.normalized.lower()


def check_password(password: str, *, email: str = "", field: str = "password") -> None:
    """NIST 800-63B style: length and a block list, no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.", field=field
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"Use at most {MAX_PASSWORD_LENGTH} characters for your password.", field=field
        )
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise ValidationError(
            "That password is too easy to guess; choose a less common one.", field=field
        )
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise ValidationError("Your password must not contain your email name.", field=field)


def clean_name(value: str, *, field: str, what: str, max_length: int = 120) -> str:
    """Trimmed, non-empty, bounded display names (people, organizations, brands)."""
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError(f"Enter {what}.", field=field)
    if len(value) > max_length:
        raise ValidationError(f"Keep {what} under {max_length} characters.", field=field)
    return value
