"""Settings → Accounts, the sign-in parts: network buttons, Mastodon's instance form, outcomes."""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text, form_error, text_field
from socialmuse.state.oauth_connect import OAuthConnectState as State


def outcome_notice() -> rx.Component:
    """What the network's callback reported: connected, or why not."""
    return rx.fragment(
        rx.cond(
            State.notice != "",
            rx.callout(State.notice, icon="circle_check", color_scheme="green", id="oauth-notice"),
        ),
        rx.cond(
            State.notice_error != "",
            rx.callout(
                State.notice_error, icon="triangle_alert", color_scheme="red", id="oauth-error"
            ),
        ),
    )


def _choice(choice: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.hstack(
        rx.text(choice["label"]),
        rx.button(
            "Connect",
            size="1",
            on_click=State.connect_choice(choice["id"]),
            aria_label="Connect " + choice["label"],
        ),
        align="center",
        spacing="3",
        data_choice=choice["label"],
    )


def pending_choices() -> rx.Component:
    """Other accounts the last sign-in may also connect (LinkedIn pages, Facebook Pages)."""
    return rx.cond(
        State.choices.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Also connect…", size="4"),
                rx.text("The same sign-in can post as these too:", size="2", color_scheme="gray"),
                rx.foreach(State.choices, _choice),
                rx.button(
                    "Not now", variant="soft", color_scheme="gray", on_click=State.dismiss_choices
                ),
                spacing="3",
                align="start",
            ),
            id="oauth-choices",
            width="100%",
            max_width="30em",
        ),
    )


def _network(network: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.cond(
        network["hint"] == "",
        rx.button(
            "Connect with ",
            network["label"],
            on_click=State.start(network["platform"]),
            id="oauth-start-" + network["platform"],
        ),
        rx.vstack(
            rx.text(network["label"], weight="medium"),
            rx.text(network["hint"], size="1", color_scheme="gray"),
            spacing="0",
            id="oauth-unconfigured-" + network["platform"],
        ),
    )


def sign_in_card() -> rx.Component:
    """One button per network whose app is set up; the settings to set for the others."""
    return rx.card(
        rx.vstack(
            rx.heading("Connect by signing in", size="4"),
            rx.text(
                "You sign in on the network and approve SocialMuse; you come back here.",
                size="2",
                color_scheme="gray",
            ),
            rx.foreach(State.networks, _network),
            error_text(State.start_error, element_id="oauth-start-error"),
            spacing="3",
            align="start",
            width="100%",
        ),
        width="100%",
        max_width="30em",
    )


def mastodon_sign_in_form() -> rx.Component:
    form_id = "oauth-mastodon"
    return rx.form(
        rx.vstack(
            rx.heading("Sign in on your Mastodon instance", size="4"),
            rx.text(
                "SocialMuse registers itself on the instance, then you approve it there.",
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
            form_error(State.mastodon_errors, form_id=form_id),
            rx.button("Connect (sign in on your instance)", type="submit", id=f"{form_id}-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.start_mastodon,
        width="100%",
    )
