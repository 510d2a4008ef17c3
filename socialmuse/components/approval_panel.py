"""The post page's approvals panel: status and step, decisions, comments, history, links."""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text
from socialmuse.state.approvals import ApprovalsState as State
from socialmuse.state.approvals import CommentRow, HistoryRow, LinkRow
from socialmuse.state.post import PostState


def _status() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Approval", size="4"),
            rx.badge(State.status_label, color_scheme=State.status_color, id="approval-status"),
            align="center",
            spacing="3",
        ),
        rx.cond(
            State.step_text != "",
            rx.text(State.step_text, size="2", id="approval-step"),
        ),
        rx.text(
            "Approvers, in order: ",
            rx.foreach(State.steps, lambda s, i: rx.text.span(rx.cond(i > 0, " → ", ""), s)),
            size="2",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )


def _submit() -> rx.Component:
    return rx.cond(
        State.may_submit,
        rx.form(
            rx.vstack(
                rx.cond(
                    State.required,
                    rx.text(
                        "This brand's posts need approval before they are scheduled.", size="2"
                    ),
                ),
                rx.hstack(
                    rx.input(
                        name="note",
                        id="approval-note",
                        placeholder="A note for the approvers (optional)",
                        width="100%",
                    ),
                    rx.button("Submit for review", type="submit", id="approval-submit"),
                    width="100%",
                ),
                error_text(
                    State.errors.get("submit", "").to(str), element_id="approval-submit-error"
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=State.submit,
            key=State.form_version,
            width="100%",
        ),
    )


def _decide() -> rx.Component:
    comment_error = State.errors.get("comment", "").to(str)
    return rx.cond(
        State.may_request_changes,
        rx.vstack(
            rx.el.label("Comment for the author", html_for="decision-comment", size="2"),
            rx.text_area(
                default_value="",
                on_change=State.set_decision_comment,
                key=State.decision_version,
                id="decision-comment",
                placeholder="Required when you request changes",
                width="100%",
                rows="2",
                aria_describedby="decision-comment-error",
            ),
            error_text(comment_error, element_id="decision-comment-error"),
            error_text(State.errors.get("decision", "").to(str), element_id="decision-error"),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=16),
                    "Approve",
                    color_scheme="green",
                    on_click=State.approve,
                    disabled=~State.may_approve,
                    id="approve-post",
                ),
                rx.button(
                    rx.icon("undo-2", size=16),
                    "Request changes",
                    color_scheme="amber",
                    variant="soft",
                    on_click=State.request_changes,
                    id="request-changes",
                ),
                rx.cond(
                    ~State.may_approve,
                    rx.text(State.why_not_approve, size="2", color_scheme="gray"),
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
            id="approval-decision",
        ),
    )


def _comment(comment: rx.Var[CommentRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(comment.author, weight="bold", size="2"),
            rx.text(comment.when, size="1", color_scheme="gray"),
            align="baseline",
            spacing="2",
        ),
        rx.text(comment.body, size="2", white_space="pre-wrap"),
        class_name="comment",
        width="100%",
    )


def _comments() -> rx.Component:
    return rx.vstack(
        rx.heading("Comments", size="3"),
        rx.vstack(rx.foreach(State.comments, _comment), spacing="2", width="100%", id="comments"),
        rx.cond(
            State.comments.length() == 0,
            rx.text("No comments yet.", size="2", color_scheme="gray"),
        ),
        rx.form(
            rx.hstack(
                rx.input(name="body", id="comment-body", placeholder="Add a comment", width="100%"),
                rx.button("Comment", type="submit", variant="soft", id="comment-submit"),
                width="100%",
            ),
            error_text(State.errors.get("body", "").to(str), element_id="comment-body-error"),
            on_submit=State.add_comment,
            key=State.form_version,
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _history_row(entry: rx.Var[HistoryRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry.when),
        rx.table.cell(rx.badge(entry.label, color_scheme=entry.color)),
        rx.table.cell(entry.step),
        rx.table.cell(entry.who),
        rx.table.cell(rx.text(entry.comment, size="2", white_space="pre-wrap")),
        data_decision=entry.decision,
    )


def _history() -> rx.Component:
    return rx.cond(
        State.history.length() > 0,
        rx.vstack(
            rx.heading("History", size="3"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("When", "What", "Step", "Who", "Comment")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(State.history, _history_row)),
                size="1",
                width="100%",
                id="approval-history",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _link_row(link: rx.Var[LinkRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(link.reviewer_name),
        rx.table.cell(link.expires),
        rx.table.cell(link.last_used),
        rx.table.cell(rx.badge(link.state, color_scheme=rx.cond(link.active, "green", "gray"))),
        rx.table.cell(
            rx.cond(
                link.active,
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=State.revoke_link(link.id),
                ),
            )
        ),
        data_link=link.reviewer_name,
    )


def _links() -> rx.Component:
    return rx.cond(
        State.may_manage_links,
        rx.vstack(
            rx.heading("Review links for clients", size="3"),
            rx.text(
                "Someone without an account can open the post, comment, approve or request "
                "changes through a link. It expires, and you can revoke it.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.hstack(
                    rx.vstack(
                        rx.input(
                            name="reviewer_name",
                            id="review-link-reviewer_name",
                            placeholder="Who is it for? e.g. Clara at Acme",
                            width="100%",
                        ),
                        error_text(
                            State.errors.get("reviewer_name", "").to(str),
                            element_id="review-link-reviewer_name-error",
                        ),
                        width="100%",
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.input(
                            name="expires_in_days",
                            id="review-link-expires_in_days",
                            type="number",
                            default_value="7",
                            min="1",
                            max="30",
                            width="6em",
                            aria_label="Days until it expires",
                        ),
                        error_text(
                            State.errors.get("expires_in_days", "").to(str),
                            element_id="review-link-expires_in_days-error",
                        ),
                        spacing="1",
                    ),
                    rx.button("Create review link", type="submit", id="review-link-submit"),
                    width="100%",
                    align="start",
                ),
                on_submit=State.create_link,
                key=State.form_version,
                width="100%",
            ),
            rx.cond(
                State.new_link != "",
                rx.callout(
                    rx.vstack(
                        rx.text("Copy this link now: it is shown only once.", size="2"),
                        rx.hstack(
                            rx.input(
                                value=State.new_link,
                                read_only=True,
                                id="review-link",
                                width="100%",
                            ),
                            rx.button(
                                rx.icon("copy", size=16),
                                "Copy link",
                                type="button",
                                on_click=[
                                    rx.set_clipboard(State.new_link),
                                    rx.toast.info("Link copied."),
                                ],
                                id="copy-review-link",
                            ),
                            width="100%",
                        ),
                        width="100%",
                    ),
                    icon="link",
                    color_scheme="green",
                    width="100%",
                ),
            ),
            rx.cond(
                State.links.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("For", "Expires", "Last used", "State", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(State.links, _link_row)),
                    size="1",
                    width="100%",
                    id="review-links",
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )


@rx.memo
def approval_panel_loader() -> rx.Component:
    """Reads the page's post into the panel.

    Mounted only while the panel holds another post than the page shows; being a memo (its own
    component), its mount hook runs exactly then.
    """
    return rx.center(rx.spinner(size="2"), width="100%", on_mount=State.load)


def approval_panel() -> rx.Component:
    """Everything about the post's review, re-read whenever the post page shows a post."""
    return rx.cond(
        State.shown_id == PostState.shown_id,
        rx.card(
            rx.vstack(
                _status(),
                _submit(),
                _decide(),
                _comments(),
                _history(),
                _links(),
                spacing="4",
                width="100%",
            ),
            width="100%",
            id="approval-panel",
            # Reads the panel on every page load too (a reload keeps the same post id).
            on_mount=State.load,
        ),
        approval_panel_loader(),
    )
