"""Settings → Audit log (admins only; the service enforces it)."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import denied, settings_nav
from socialmuse.state.audit_log import AuditLogState as State


def _row(event: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(event["when"], white_space="nowrap"),
        rx.table.cell(rx.code(event["action"])),
        rx.table.cell(event["actor"]),
        rx.table.cell(event["target"]),
        rx.table.cell(event["ip"]),
        rx.table.cell(
            rx.text(
                event["details"],
                size="1",
                color_scheme="gray",
                max_width="24em",
                white_space="normal",
                overflow_wrap="anywhere",
            )
        ),
        data_action=event["action"],
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Newer",
            on_click=State.previous_page,
            disabled=State.page <= 1,
            variant="soft",
            id="audit-newer",
        ),
        rx.text(
            "Page ",
            State.page,
            " of ",
            State.page_count,
            " · ",
            State.total,
            " events",
            id="audit-page",
            size="2",
        ),
        rx.button(
            "Older",
            on_click=State.next_page,
            disabled=State.page >= State.page_count,
            variant="soft",
            id="audit-older",
        ),
        align="center",
        spacing="3",
    )


def _log() -> rx.Component:
    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("When", "Action", "By", "Target", "IP", "Details")
                    ]
                ),
            ),
            rx.table.body(rx.foreach(State.events, _row)),
            width="100%",
            id="audit-table",
        ),
        _pager(),
        spacing="4",
        width="100%",
    )


@protected_page(routes.SETTINGS_AUDIT, "Audit log", on_load=[State.load])
def settings_audit() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.cond(State.denied != "", denied(State.denied), _log()),
        spacing="4",
        width="100%",
    )
