"""The public review page: a client holding a review link sees one post and decides on it.

Nobody is logged in here; the token in the URL is the credential, re-checked by the service on
every load and every action, so a link revoked while the page is open stops working at once.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from socialmuse.db import session_scope
from socialmuse.services import approvals as approval_service
from socialmuse.services.approvals import ReviewMedia, ReviewView
from socialmuse.services.errors import DomainError, NotFound
from socialmuse.state.approvals import CommentRow, HistoryRow, comment_rows, history_rows
from socialmuse.state.current_brand import in_utc, in_zone
from socialmuse.state.forms import field_errors
from socialmuse.state.post_labels import POST_STATUS_LABELS, STATUS_COLORS


@dataclasses.dataclass
class MediaRow:
    """One attached file: a thumbnail for pictures and videos, its name, its alt text."""

    filename: str = ""
    alt_text: str = ""
    url: str = ""
    thumbnail_url: str = ""


@dataclasses.dataclass
class VariantRow:
    """What one account will publish."""

    network: str = ""
    handle: str = ""
    text: str = ""
    media: list[MediaRow] = dataclasses.field(default_factory=list)


def _media_rows(media: list[ReviewMedia]) -> list[MediaRow]:
    return [
        MediaRow(filename=m.filename, alt_text=m.alt_text, url=m.url, thumbnail_url=m.thumbnail_url)
        for m in media
    ]


class ReviewState(rx.State):
    """The post behind the link, the discussion, and the client's name and comment."""

    problem: str = ""
    loaded: bool = False
    brand_name: str = ""
    status_label: str = ""
    status_color: str = ""
    can_decide: bool = False
    waiting_for: str = ""
    text: str = ""
    thread: list[str] = []
    first_comment: str = ""
    media: list[MediaRow] = []
    variants: list[VariantRow] = []
    scheduled_local: str = ""
    scheduled_utc: str = ""
    reviewer_name: str = ""
    expires: str = ""
    comments: list[CommentRow] = []
    history: list[HistoryRow] = []
    name: str = ""
    comment: str = ""
    comment_version: int = 0  # bumped to empty the comment box after it was sent
    errors: dict[str, str] = {}
    outcome: str = ""

    def _clear_comment(self) -> None:
        self.comment = ""
        self.comment_version += 1

    def _token(self) -> str:
        """The ``[review_token]`` URL segment; Reflex adds it to the root state at run time."""
        return str(getattr(self, "review_token", ""))

    def _show(self, view: ReviewView) -> None:
        tz = view.timezone
        self.problem = ""
        self.loaded = True
        self.brand_name = view.brand_name
        self.status_label = POST_STATUS_LABELS[view.status]
        self.status_color = STATUS_COLORS.get(view.status.value, "blue")
        self.can_decide = view.can_decide
        self.waiting_for = view.waiting_for
        self.text = view.text
        self.thread = view.thread
        self.first_comment = view.first_comment or ""
        self.media = _media_rows(view.media)
        self.variants = [
            VariantRow(network=v.network, handle=v.handle, text=v.text, media=_media_rows(v.media))
            for v in view.variants
        ]
        self.scheduled_local = in_zone(view.scheduled_at, tz)
        self.scheduled_utc = in_utc(view.scheduled_at)
        self.reviewer_name = view.reviewer_name
        self.expires = in_zone(view.expires_at, tz)
        self.comments = comment_rows(view.comments, tz)
        self.history = history_rows(view.history, tz)

    def _gone(self, exc: DomainError) -> None:
        """A link that stopped working shows only the reason, none of the post."""
        self.problem, self.loaded = exc.message, False
        self.text, self.variants, self.comments, self.history = "", [], [], []

    @rx.event
    def load(self) -> None:
        """Open the post behind the link; a bad, expired or revoked link says so plainly."""
        self.errors, self.outcome = {}, ""
        self._clear_comment()
        try:
            with session_scope() as session:
                view = approval_service.open_review(session, token=self._token())
        except DomainError as exc:
            self._gone(exc)
            return
        self._show(view)

    @rx.event
    def set_name(self, value: str) -> None:
        """The client's name, kept for every action on the page."""
        self.name = value

    @rx.event
    def set_comment(self, value: str) -> None:
        self.comment = value

    def _act(self, decision: str | None) -> EventSpec | None:
        try:
            with session_scope() as session:
                if decision is None:
                    view = approval_service.comment_by_link(
                        session, token=self._token(), name=self.name, body=self.comment
                    )
                else:
                    view = approval_service.review_by_link(
                        session,
                        token=self._token(),
                        decision=decision,
                        name=self.name,
                        comment=self.comment,
                    )
        except NotFound as exc:
            self._gone(exc)
            return None
        except DomainError as exc:
            errors = field_errors(exc)
            self.errors = {("comment" if k == "body" else k): v for k, v in errors.items()}
            return None
        self.errors = {}
        self._clear_comment()
        self._show(view)
        self.outcome = view.outcome
        return rx.toast.success(view.outcome)

    @rx.event
    def approve(self) -> EventSpec | None:
        """Approve the step the post is waiting for."""
        return self._act("approve")

    @rx.event
    def request_changes(self) -> EventSpec | None:
        """Send the post back with what should change."""
        return self._act("changes_requested")

    @rx.event
    def add_comment(self) -> EventSpec | None:
        """Add a comment without deciding."""
        return self._act(None)
