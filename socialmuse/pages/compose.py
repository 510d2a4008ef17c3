"""Compose: one text for the brand's chosen accounts, published now or at a time."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.forms import error_text, form_error
from socialmuse.components.layout import protected_page
from socialmuse.state.compose import ComposeState as State
from socialmuse.state.shell import ShellState

FORM_ID = "compose"


def _text_field() -> rx.Component:
    error = State.errors.get("text", "").to(str)
    return rx.vstack(
        rx.el.label("Text", html_for=f"{FORM_ID}-text", class_name="field-label"),
        rx.text_area(
            name="text",
            id=f"{FORM_ID}-text",
            default_value=State.text,
            on_change=State.set_text,
            rows="6",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{FORM_ID}-text-error {FORM_ID}-counts",
            color_scheme=rx.cond(error != "", "red", "gray"),
            placeholder="What do you want to say?",
        ),
        rx.hstack(
            rx.foreach(
                State.counts,
                lambda c: rx.text(
                    c["network"],
                    ": ",
                    c["label"],
                    size="1",
                    color_scheme=rx.cond(c["over"] != "", "red", "gray"),
                    weight=rx.cond(c["over"] != "", "bold", "regular"),
                    data_network=c["platform"],
                ),
            ),
            rx.cond(
                State.counts.length() == 0,
                rx.text("Choose an account to see its character count.", size="1"),
            ),
            spacing="4",
            wrap="wrap",
            id=f"{FORM_ID}-counts",
            aria_live="polite",
        ),
        error_text(error, element_id=f"{FORM_ID}-text-error"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _account_choice(account: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.checkbox(
                checked=State.selected.contains(account["id"]),
                on_change=lambda checked: State.toggle_account(account["id"], checked),
                disabled=account["status"] == "reconnect_needed",
                aria_label=account["network"] + " @" + account["handle"],
            ),
            account["network"],
            " @",
            account["handle"],
            rx.cond(account["status"] != "connected", rx.badge(account["status_label"])),
            spacing="2",
            align="center",
        ),
        as_="label",
        size="2",
    )


def _accounts_field() -> rx.Component:
    return rx.vstack(
        rx.text("Post to", as_="div", class_name="field-label"),
        rx.flex(
            rx.foreach(State.accounts, _account_choice),
            wrap="wrap",
            spacing="4",
            id=f"{FORM_ID}-accounts",
        ),
        error_text(
            State.errors.get("account_ids", "").to(str),
            element_id=f"{FORM_ID}-account_ids-error",
        ),
        spacing="1",
        width="100%",
    )


def _when_field() -> rx.Component:
    error = State.errors.get("at", "").to(str)
    return rx.vstack(
        rx.text("When", as_="div", class_name="field-label"),
        rx.radio_group.root(
            rx.flex(
                rx.text(
                    rx.flex(rx.radio_group.item(value="now"), "Publish now", spacing="2"),
                    as_="label",
                    size="2",
                ),
                rx.text(
                    rx.flex(rx.radio_group.item(value="later"), "Schedule for", spacing="2"),
                    as_="label",
                    size="2",
                ),
                spacing="4",
            ),
            value=State.mode,
            on_change=State.set_mode,
            aria_label="When",
        ),
        rx.cond(
            State.mode == "later",
            rx.hstack(
                rx.input(
                    type="datetime-local",
                    name="at",
                    id=f"{FORM_ID}-at",
                    aria_label="Date and time",
                    aria_invalid=rx.cond(error != "", "true", "false"),
                    aria_describedby=f"{FORM_ID}-at-error",
                    color_scheme=rx.cond(error != "", "red", "gray"),
                ),
                rx.text("in ", rx.text.strong(State.timezone), " (the brand's timezone)", size="2"),
                align="center",
                id=f"{FORM_ID}-timezone",
            ),
        ),
        error_text(error, element_id=f"{FORM_ID}-at-error"),
        spacing="2",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _text_field(),
            _accounts_field(),
            _when_field(),
            form_error(State.errors, form_id=FORM_ID),
            rx.button(
                rx.cond(State.mode == "now", "Publish now", "Schedule post"),
                type="submit",
                id=f"{FORM_ID}-submit",
            ),
            spacing="4",
            align="start",
            width="100%",
        ),
        on_submit=State.submit,
        key=State.form_version,
        width="100%",
    )


def _post_row(post: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(post["text"], href=post["href"])),
        rx.table.cell(post["when"]),
        rx.table.cell(rx.badge(post["status_label"])),
        rx.table.cell(rx.text(post["progress"], size="2", color_scheme="gray")),
        data_post=post["id"],
    )


def _recent_posts() -> rx.Component:
    return rx.vstack(
        rx.heading("Recent posts", size="4"),
        rx.cond(
            State.posts.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(h) for h in ("Text", "When", "Status", "")]
                    )
                ),
                rx.table.body(rx.foreach(State.posts, _post_row)),
                width="100%",
                id="recent-posts",
            ),
            rx.text("No posts for this brand yet.", color_scheme="gray", id="recent-posts-empty"),
        ),
        spacing="3",
        width="100%",
    )


def _no_accounts() -> rx.Component:
    return rx.callout(
        rx.text(
            "This brand has no connected account yet. ",
            rx.link("Connect one", href=routes.SETTINGS_ACCOUNTS),
            " (the Sandbox test network works without any login), then write here.",
        ),
        icon="info",
        id="compose-no-accounts",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.accounts.length() > 0,
            rx.card(_form(), width="100%", max_width="44em"),
            _no_accounts(),
        ),
        _recent_posts(),
        spacing="5",
        width="100%",
    )


def _no_brand() -> rx.Component:
    return empty_state(
        "pen-line",
        "No posts yet",
        "Posts belong to a brand: create one, connect its accounts (the Sandbox test network "
        "needs no login), then write here and publish now or at a time in the brand's timezone.",
        rx.link("Create a brand", href=routes.SETTINGS_BRANDS, id="compose-no-brand"),
    )


@protected_page(routes.COMPOSE, "Compose", on_load=[State.load])
def compose() -> rx.Component:
    return rx.cond(
        State.brand_id == ShellState.brand_id,
        rx.cond(State.brand_id != "", _body(), _no_brand()),
        # The person switched brands: reload for the new one before showing anything.
        rx.center(rx.spinner(), on_mount=State.load, width="100%"),
    )
