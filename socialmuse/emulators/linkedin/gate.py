"""LinkedIn's gatekeeping, in its order: token, version headers, daily quota, then rights.

``authenticate`` answers 401 with ``serviceErrorCode`` 65600 (invalid) or 65601 (expired);
``check_versions`` wants ``LinkedIn-Version`` (400 missing, 426 inactive; codes UNVERIFIED)
and ``X-Restli-Protocol-Version: 2.0.0``; ``count_call`` keeps per-member and per-app daily
counters per endpoint that reset at 00:00 UTC and answer 429 ``serviceErrorCode`` 101 with
no rate-limit headers. Writing as an organization needs ``w_organization_social`` and a
posting role on its page (403 ``ACCESS_DENIED`` otherwise).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from socialmuse.emulators.linkedin.state import Member, Organization, Token, version_active

POSTING_ROLES = ("ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMINISTRATOR")
THROTTLED = "Resource level throttle limit for calls to this resource is reached."


class ApiError(Exception):
    """Answered in LinkedIn's envelope ``{status, serviceErrorCode?, code?, message, ...}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        service_code: int | None = None,
        code: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"status": status, "message": message}
        if service_code is not None:
            self.body["serviceErrorCode"] = service_code
        if code is not None:
            self.body["code"] = code
        self.body.update(extra or {})

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status)


def denied(what: str) -> ApiError:
    return ApiError(
        403, f"Not enough permissions to access: {what}", service_code=100, code="ACCESS_DENIED"
    )


@dataclass
class Caller:
    token: Token
    member: Member


Handler = Callable[[Request, Caller], Awaitable[Response]]


class Gatekeeping:
    """Mixed into ``LinkedInEmulator``; callers hold the emulator's lock."""

    members: dict[str, Member]
    organizations: dict[str, Organization]
    tokens: dict[str, Token]
    member_limits: dict[str, int]
    app_limits: dict[str, int]
    calls: dict[tuple[str, str, date], int]
    version_lifetime_months: int

    def now(self) -> datetime:
        raise NotImplementedError

    def posting_role(self, member: Member, org_id: str) -> str | None:
        org = self.organizations.get(org_id)
        role = org.roles.get(member.id) if org else None
        return role if role in POSTING_ROLES else None

    def require_author(self, caller: Caller, author: str, what: str) -> None:
        """Writing as ``author``: oneself with w_member_social, or an organization one runs."""
        scopes = caller.token.scopes
        if author == caller.member.urn and "w_member_social" in scopes:
            return
        prefix = "urn:li:organization:"
        if (
            author.startswith(prefix)
            and "w_organization_social" in scopes
            and self.posting_role(caller.member, author.removeprefix(prefix))
        ):
            return
        raise denied(what)

    def require_reader(self, caller: Caller, author: str, what: str) -> None:
        scopes = caller.token.scopes
        if author == caller.member.urn and "r_member_social" in scopes:
            return
        prefix = "urn:li:organization:"
        org = self.organizations.get(author.removeprefix(prefix))
        if (
            author.startswith(prefix)
            and org is not None
            and caller.member.id in org.roles
            and {"r_organization_social", "rw_organization_admin"} & set(scopes)
        ):
            return
        raise denied(what)

    # The gate in front of every authenticated call.

    def authenticate(self, request: Request) -> Caller:
        auth = request.headers.get("authorization", "")
        value = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        token = self.tokens.get(value)
        if token is None or token.member_id not in self.members:
            raise ApiError(
                401, "Invalid access token", service_code=65600, code="INVALID_ACCESS_TOKEN"
            )
        if token.revoked:  # the numeric code of this variant is UNVERIFIED
            raise ApiError(
                401,
                "The token used in the request has been revoked by the user",
                service_code=65602,
                code="REVOKED_ACCESS_TOKEN",
            )
        if token.expires_at <= self.now():
            raise ApiError(
                401,
                "The token used in the request has expired",
                service_code=65601,
                code="EXPIRED_ACCESS_TOKEN",
            )
        return Caller(token, self.members[token.member_id])

    def check_versions(self, request: Request) -> None:
        """``LinkedIn-Version`` and Rest.li 2.0.0 on every /rest call (codes UNVERIFIED)."""
        version = request.headers.get("linkedin-version")
        if not version:
            raise ApiError(
                400,
                "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
                code="VERSION_MISSING",
            )
        if not version_active(version, self.now(), self.version_lifetime_months):
            raise ApiError(
                426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION"
            )
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            raise ApiError(
                400,
                "This resource requires Rest.li protocol version 2.0.0 "
                "(X-Restli-Protocol-Version: 2.0.0).",
                code="PROTOCOL_VERSION_MISMATCH",
            )

    def count_call(self, caller: Caller, name: str) -> None:
        today = self.now().astimezone(UTC).date()
        client = caller.token.client_id or "-"
        keys = [
            ((f"member:{caller.member.id}", name, today), self.member_limits.get(name)),
            ((f"app:{client}", name, today), self.app_limits.get(name)),
        ]
        if any(limit is not None and self.calls.get(key, 0) >= limit for key, limit in keys):
            raise ApiError(429, THROTTLED, service_code=101)
        for key, _ in keys:
            self.calls[key] = self.calls.get(key, 0) + 1
