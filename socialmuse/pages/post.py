"""One post: its text, and each delivery with its attempts; refreshes itself while in flight."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.approval_panel import approval_panel
from socialmuse.components.evergreen_panel import evergreen_panel
from socialmuse.components.layout import protected_page
from socialmuse.components.post_clicks import PostClicksState, post_clicks
from socialmuse.state.post import AttemptRow, TargetRow
from socialmuse.state.post import PostState as State

REFRESH_MS = 2000


def _attempt(attempt: rx.Var[AttemptRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(attempt.number),
        rx.table.cell(attempt.outcome),
        rx.table.cell(attempt.when),
        rx.table.cell(attempt.http_status),
        rx.table.cell(
            rx.text(attempt.error, size="2"),
            rx.cond(
                attempt.retry_at != "",
                rx.text("Next try at ", attempt.retry_at, size="1", color_scheme="gray"),
            ),
        ),
        class_name="attempt",
    )


def _attempts(target: rx.Var[TargetRow]) -> rx.Component:
    return rx.cond(
        target.attempts.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Attempt", "Outcome", "Time", "HTTP status", "What happened")
                    ]
                ),
            ),
            rx.table.body(rx.foreach(target.attempts, _attempt)),
            size="1",
            width="100%",
        ),
        rx.text("No attempt yet.", size="2", color_scheme="gray"),
    )


def _target(target: rx.Var[TargetRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(target.network, weight="bold"),
                rx.text("@", target.handle),
                rx.badge(
                    target.status_label, color_scheme=target.status_color, class_name="status"
                ),
                rx.cond(target.note != "", rx.badge(target.note, color_scheme="violet")),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(
                "Scheduled for ",
                rx.text.strong(target.scheduled_local),
                " (",
                target.scheduled_utc,
                ")",
                size="2",
                class_name="scheduled",
            ),
            rx.cond(
                target.published_local != "",
                rx.text(
                    "Published at ",
                    target.published_local,
                    " (",
                    target.published_utc,
                    "): ",
                    rx.link(
                        target.permalink,
                        href=target.permalink,
                        is_external=True,
                        class_name="permalink",
                    ),
                    size="2",
                    class_name="published",
                    data_published_at=target.published_iso,
                ),
            ),
            rx.cond(
                target.next_attempt != "",
                rx.text("Next try at ", target.next_attempt, size="2", color_scheme="gray"),
            ),
            rx.cond(
                target.last_error != "",
                rx.callout(target.last_error, icon="triangle_alert", color_scheme="red", size="1"),
            ),
            _attempts(target),
            rx.cond(
                target.can_retry,
                rx.hstack(
                    rx.button("Retry", on_click=State.retry(target.id), class_name="retry"),
                    rx.text(
                        "Retry sends the same text again now. If the network refused the "
                        "content itself, write a corrected post in Compose instead.",
                        size="2",
                        color_scheme="gray",
                    ),
                    align="center",
                    spacing="3",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_target=target.id,
        data_status=target.status,
    )


def _post() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Status:"),
            rx.badge(State.status_label, color_scheme=State.status_color, id="post-status"),
            rx.text("Times in ", State.timezone, " (the brand's timezone) and UTC.", size="2"),
            align="center",
            spacing="3",
        ),
        rx.card(rx.text(State.text, white_space="pre-wrap", id="post-text"), width="100%"),
        approval_panel(),
        rx.heading("Deliveries", size="4"),
        rx.vstack(rx.foreach(State.targets, _target), spacing="3", width="100%", id="targets"),
        # A timer in the browser asks for fresh data while a delivery is in flight; it is
        # unmounted (so it stops) once every delivery is settled, and when the tab closes.
        rx.cond(
            State.in_flight,
            rx.moment(
                interval=REFRESH_MS, format="HH:mm:ss", on_change=State.refresh, display="none"
            ),
        ),
        evergreen_panel(),
        post_clicks(),
        rx.link("Back to Compose", href=routes.COMPOSE, size="2"),
        spacing="4",
        width="100%",
    )


@protected_page(routes.POST, "Post", on_load=[State.load, PostClicksState.load])
def post() -> rx.Component:
    return rx.cond(
        State.problem != "",
        rx.callout(State.problem, icon="circle_alert", color_scheme="amber", id="post-problem"),
        _post(),
    )
