"""The public review page: one post, its discussion, and the client's decision; no login."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import error_text
from socialmuse.components.layout import public_page
from socialmuse.state.approvals import CommentRow, HistoryRow
from socialmuse.state.review import MediaRow, VariantRow
from socialmuse.state.review import ReviewState as State


def _file(item: rx.Var[MediaRow]) -> rx.Component:
    return rx.link(
        rx.image(
            src=item.thumbnail_url,
            alt=rx.cond(item.alt_text != "", item.alt_text, item.filename),
            width="6em",
            height="6em",
            object_fit="cover",
            border_radius="6px",
        ),
        href=item.url,
        is_external=True,
        title=item.filename,
        class_name="review-media",
    )


def _media(items: rx.Var[list[MediaRow]]) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.hstack(rx.foreach(items, _file), spacing="2", wrap="wrap"),
    )


def _variant(variant: rx.Var[VariantRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(variant.network, weight="bold", size="2"),
            rx.text("@", variant.handle, size="2", color_scheme="gray"),
            spacing="2",
        ),
        rx.text(variant.text, size="2", white_space="pre-wrap"),
        _media(variant.media),
        border_left=f"3px solid {rx.color('accent', 6)}",
        padding_left="0.75em",
        width="100%",
        data_network=variant.network,
        class_name="variant",
    )


def _comment(comment: rx.Var[CommentRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(comment.author, weight="bold", size="2"),
            rx.text(comment.when, size="1", color_scheme="gray"),
            spacing="2",
            align="baseline",
        ),
        rx.text(comment.body, size="2", white_space="pre-wrap"),
        class_name="comment",
        width="100%",
    )


def _decision(entry: rx.Var[HistoryRow]) -> rx.Component:
    return rx.hstack(
        rx.badge(entry.label, color_scheme=entry.color),
        rx.text(entry.who, " · ", entry.when, size="1"),
        rx.cond(entry.comment != "", rx.text("“", entry.comment, "”", size="1")),
        spacing="2",
        wrap="wrap",
        data_decision=entry.decision,
    )


def _post() -> rx.Component:
    return rx.vstack(
        rx.heading("Review a post for ", State.brand_name, size="4", id="review-heading"),
        rx.text("Link for ", rx.text.strong(State.reviewer_name), size="2"),
        rx.hstack(
            rx.text("Status:", size="2"),
            rx.badge(State.status_label, color_scheme=State.status_color, id="review-status"),
            align="center",
        ),
        rx.cond(
            State.scheduled_local != "",
            rx.text(
                "Planned for ",
                rx.text.strong(State.scheduled_local),
                " (",
                State.scheduled_utc,
                ")",
                size="2",
                id="review-time",
            ),
            rx.text("No publishing time set yet.", size="2", id="review-time"),
        ),
        rx.text(State.text, white_space="pre-wrap", id="review-text"),
        rx.foreach(State.thread, lambda part: rx.text(part, size="2", white_space="pre-wrap")),
        rx.cond(
            State.first_comment != "",
            rx.text("First comment: ", State.first_comment, size="2", color_scheme="gray"),
        ),
        _media(State.media),
        rx.cond(
            State.variants.length() > 0,
            rx.vstack(
                rx.text("As it will appear on each account", weight="bold", size="2"),
                rx.foreach(State.variants, _variant),
                spacing="2",
                width="100%",
                id="review-variants",
            ),
        ),
        rx.cond(
            State.history.length() > 0,
            rx.vstack(
                rx.text("Decisions", weight="bold", size="2"),
                rx.foreach(State.history, _decision),
                spacing="1",
                id="review-history",
            ),
        ),
        rx.text("Comments", weight="bold", size="2"),
        rx.vstack(
            rx.foreach(State.comments, _comment), spacing="2", width="100%", id="review-comments"
        ),
        rx.cond(
            State.comments.length() == 0, rx.text("No comments yet.", size="2", color_scheme="gray")
        ),
        spacing="3",
        width="100%",
    )


def _respond() -> rx.Component:
    return rx.vstack(
        rx.divider(),
        rx.el.label("Your name", html_for="review-name", class_name="field-label"),
        rx.input(
            default_value=State.name,
            on_change=State.set_name,
            id="review-name",
            width="100%",
            aria_describedby="review-name-error",
        ),
        error_text(State.errors.get("name", "").to(str), element_id="review-name-error"),
        rx.el.label("Comment", html_for="review-comment", class_name="field-label"),
        rx.text_area(
            default_value="",
            on_change=State.set_comment,
            key=State.comment_version,
            id="review-comment",
            width="100%",
            rows="3",
            placeholder="Required when you request changes",
            aria_describedby="review-comment-error",
        ),
        error_text(State.errors.get("comment", "").to(str), element_id="review-comment-error"),
        error_text(
            State.errors.get("status", State.errors.get("form", "")).to(str),
            element_id="review-error",
        ),
        rx.cond(
            State.can_decide,
            rx.vstack(
                rx.text("Waiting for: ", State.waiting_for, size="1", color_scheme="gray"),
                rx.hstack(
                    rx.button(
                        rx.icon("check", size=16),
                        "Approve",
                        color_scheme="green",
                        on_click=State.approve,
                        id="review-approve",
                    ),
                    rx.button(
                        "Request changes",
                        color_scheme="amber",
                        variant="soft",
                        on_click=State.request_changes,
                        id="review-request-changes",
                    ),
                    wrap="wrap",
                ),
                spacing="1",
            ),
            rx.text(
                "This post is not waiting for a decision right now; you can still comment.",
                size="2",
                color_scheme="gray",
                id="review-no-decision",
            ),
        ),
        rx.button(
            "Add comment without deciding",
            variant="outline",
            on_click=State.add_comment,
            id="review-comment-only",
        ),
        rx.cond(
            State.outcome != "",
            rx.callout(State.outcome, icon="check", color_scheme="green", id="review-outcome"),
        ),
        spacing="2",
        width="100%",
    )


@public_page(routes.REVIEW, "Review a post", on_load=[State.load])
def review() -> rx.Component:
    return rx.cond(
        State.problem != "",
        rx.callout(State.problem, icon="link-2-off", color_scheme="amber", id="review-problem"),
        rx.cond(
            State.loaded,
            rx.vstack(_post(), _respond(), spacing="4", width="100%"),
            rx.center(rx.spinner(), width="100%"),
        ),
    )
