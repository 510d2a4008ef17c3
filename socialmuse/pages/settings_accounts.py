"""Settings → Accounts: the current brand's social accounts and every way to connect one."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import form_error, text_field
from socialmuse.components.layout import protected_page
from socialmuse.components.oauth_connect import (
    mastodon_sign_in_form,
    outcome_notice,
    pending_choices,
    sign_in_card,
)
from socialmuse.components.settings_nav import settings_nav
from socialmuse.state.accounts import AccountsState as State
from socialmuse.state.oauth_connect import OAuthConnectState
from socialmuse.state.shell import ShellState


def _disconnect_button(account: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Disconnect", size="1", variant="soft", color_scheme="red"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Disconnect @", account["handle"], "?"),
            rx.alert_dialog.description(
                "Its scheduled posts will not go out. Posts already published stay on the "
                "network and in SocialMuse; you can connect the account again later."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Disconnect account",
                        color_scheme="red",
                        on_click=State.disconnect(account["id"]),
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
    )


def _row(account: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(account["network"], weight="medium"),
                rx.cond(
                    account["note"] != "",
                    rx.badge(account["note"], color_scheme="violet", variant="soft"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell("@", account["handle"]),
        rx.table.cell(rx.badge(account["status_label"], color_scheme=account["status_color"])),
        rx.table.cell(rx.text(account["last_error"], size="2", color_scheme="red")),
        rx.table.cell(_disconnect_button(account)),
        data_account=account["handle"],
    )


def _account_table() -> rx.Component:
    return rx.cond(
        State.accounts.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Network", "Handle", "Status", "Last error", "")
                    ]
                ),
            ),
            rx.table.body(rx.foreach(State.accounts, _row)),
            width="100%",
            id="account-table",
        ),
        rx.text(
            "No accounts connected to ",
            rx.text.strong(State.brand_name),
            " yet. Connect one below to start posting.",
            color_scheme="gray",
            id="accounts-empty",
        ),
    )


def _sandbox_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Connect a Sandbox account", size="4"),
            rx.text(
                "Sandbox is a test network built into SocialMuse: nothing leaves this server. "
                "Use it to try scheduling and publishing before connecting a real network.",
                size="2",
                color_scheme="gray",
            ),
            text_field(
                "Handle",
                "handle",
                State.connect_errors,
                form_id="connect-sandbox",
                placeholder="e.g. bakery_test",
            ),
            form_error(State.connect_errors, form_id="connect-sandbox"),
            rx.button("Connect Sandbox account", type="submit", id="connect-sandbox-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.connect_sandbox,
        key=State.connect_version,
        width="100%",
    )


def _mastodon_form() -> rx.Component:
    form_id = "connect-mastodon"
    return rx.form(
        rx.vstack(
            rx.heading("Connect a Mastodon account", size="4"),
            rx.text(
                "On your instance, open Preferences → Development → New application, allow "
                "read and write, and paste the access token here.",
                size="2",
                color_scheme="gray",
            ),
            text_field(
                "Instance address",
                "instance_url",
                State.mastodon_errors,
                form_id=form_id,
                placeholder="e.g. https://mastodon.social",
            ),
            text_field(
                "Access token",
                "access_token",
                State.mastodon_errors,
                form_id=form_id,
                field_type="password",
                auto_complete="off",
            ),
            form_error(State.mastodon_errors, form_id=form_id),
            rx.button("Connect Mastodon account", type="submit", id=f"{form_id}-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.connect_mastodon,
        key=State.mastodon_version,
        width="100%",
    )


def _bluesky_form() -> rx.Component:
    form_id = "connect-bluesky"
    return rx.form(
        rx.vstack(
            rx.heading("Connect a Bluesky account", size="4"),
            rx.text(
                "Use an app password (Settings → Privacy and security → App passwords), "
                "never your account's main password.",
                size="2",
                color_scheme="gray",
            ),
            text_field(
                "Handle",
                "handle",
                State.bluesky_errors,
                form_id=form_id,
                placeholder="you.bsky.social",
            ),
            text_field(
                "App password",
                "app_password",
                State.bluesky_errors,
                form_id=form_id,
                field_type="password",
                auto_complete="off",
            ),
            text_field(
                "Server",
                "service_url",
                State.bluesky_errors,
                form_id=form_id,
                default_value="https://bsky.social",
            ),
            form_error(State.bluesky_errors, form_id=form_id),
            rx.button("Connect Bluesky account", type="submit", id=f"{form_id}-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.connect_bluesky,
        key=State.bluesky_version,
        width="100%",
    )


def _connect_forms() -> rx.Component:
    """Sandbox, Mastodon (sign in or token) and Bluesky; OAuth networks are in sign_in_card."""
    forms = [_sandbox_form(), mastodon_sign_in_form(), _mastodon_form(), _bluesky_form()]
    return rx.flex(
        sign_in_card(),
        *[rx.card(form, width="100%", max_width="30em") for form in forms],
        wrap="wrap",
        spacing="4",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.text("Social accounts of ", rx.text.strong(State.brand_name), "."),
        outcome_notice(),
        _account_table(),
        pending_choices(),
        _connect_forms(),
        spacing="4",
        width="100%",
    )


def _no_brand() -> rx.Component:
    return rx.text(
        "Accounts belong to a brand. ",
        rx.link("Create a brand", href=routes.SETTINGS_BRANDS),
        " first, then connect its accounts here.",
        color_scheme="gray",
        id="accounts-no-brand",
    )


@protected_page(routes.SETTINGS_ACCOUNTS, "Accounts", on_load=[State.load, OAuthConnectState.load])
def settings_accounts() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.cond(
            State.brand_id == ShellState.brand_id,
            rx.cond(State.brand_id != "", _body(), _no_brand()),
            # The person switched brands: reload for the new one before showing anything.
            rx.center(rx.spinner(), on_mount=State.load, width="100%"),
        ),
        spacing="4",
        width="100%",
    )
