"""Settings → Team."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import error_text, form_error, text_field
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import settings_nav
from socialmuse.state.team import BRAND_FIELD_PREFIX
from socialmuse.state.team import TeamState as State


def _role_select(
    errors: rx.Var[dict[str, str]], *, form_id: str, default: rx.Var[str] | str
) -> rx.Component:
    return rx.vstack(
        rx.text("Role", as_="label", class_name="field-label"),
        rx.select.root(
            rx.select.trigger(id=f"{form_id}-role", aria_label="Role", min_width="14em"),
            rx.select.content(
                rx.foreach(State.roles, lambda r: rx.select.item(r["label"], value=r["value"])),
            ),
            name="role",
            default_value=default,
        ),
        error_text(errors.get("role", "").to(str), element_id=f"{form_id}-role-error"),
        spacing="1",
    )


def _brand_scope(
    errors: rx.Var[dict[str, str]], *, form_id: str, checked: rx.Var[list[str]] | None = None
) -> rx.Component:
    return rx.vstack(
        rx.text("Brand access", as_="label", class_name="field-label"),
        rx.text(
            "Tick the brands this person may work on; tick none for every brand.",
            size="1",
            color_scheme="gray",
        ),
        rx.flex(
            rx.foreach(
                State.brands,
                lambda b: rx.text(
                    rx.flex(
                        rx.checkbox(
                            name=BRAND_FIELD_PREFIX + b["id"],
                            default_checked=checked.contains(b["id"])
                            if checked is not None
                            else False,
                            aria_label=b["name"],
                        ),
                        b["name"],
                        spacing="2",
                    ),
                    as_="label",
                    size="2",
                ),
            ),
            wrap="wrap",
            spacing="4",
            id=f"{form_id}-brands",
        ),
        error_text(errors.get("brand_ids", "").to(str), element_id=f"{form_id}-brand_ids-error"),
        spacing="1",
        width="100%",
    )


def _member_editor() -> rx.Component:
    return rx.form(
        rx.vstack(
            _role_select(State.edit_errors, form_id="edit-member", default=State.editing_role),
            _brand_scope(State.edit_errors, form_id="edit-member", checked=State.editing_brand_ids),
            form_error(State.edit_errors, form_id="edit-member"),
            rx.hstack(
                rx.button("Save", type="submit", id="edit-member-submit"),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=State.cancel_edit,
                ),
            ),
            spacing="3",
        ),
        on_submit=State.save_member,
        key=State.editing_id,
    )


def _remove_button(member: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Remove", size="1", variant="soft", color_scheme="red"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove ", member["name"], "?"),
            rx.alert_dialog.description(
                "They lose access to this organization at once. You can invite them again later."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Remove member", color_scheme="red", on_click=State.remove(member["id"])
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
    )


def _member_row(member: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.fragment(
        rx.table.row(
            rx.table.row_header_cell(member["name"]),
            rx.table.cell(member["email"]),
            rx.table.cell(rx.badge(member["role_label"])),
            rx.table.cell(member["scope"]),
            rx.table.cell(
                rx.cond(
                    member["manageable"] != "",
                    rx.hstack(
                        rx.button(
                            "Change role",
                            size="1",
                            variant="soft",
                            on_click=State.start_edit(member["id"]),
                        ),
                        _remove_button(member),
                    ),
                ),
            ),
            data_member=member["email"],
        ),
        rx.cond(
            State.editing_id == member["id"],
            rx.table.row(rx.table.cell(_member_editor(), col_span=5)),
        ),
    )


def _members() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[rx.table.column_header_cell(h) for h in ("Name", "Email", "Role", "Brands", "")]
            ),
        ),
        rx.table.body(rx.foreach(State.members, _member_row)),
        width="100%",
        id="member-table",
    )


def _invitation_row(invitation: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(invitation["email"]),
        rx.table.cell(invitation["role_label"]),
        rx.table.cell(invitation["scope"]),
        rx.table.cell(invitation["invited_by"]),
        rx.table.cell(invitation["expires"]),
        rx.table.cell(rx.badge(invitation["status"])),
        rx.table.cell(
            rx.cond(
                invitation["status"] == "pending",
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=State.revoke(invitation["id"]),
                ),
            ),
        ),
        data_invitation=invitation["email"],
    )


def _invitations() -> rx.Component:
    return rx.cond(
        State.invitations.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Email", "Role", "Brands", "Invited by", "Expires", "Status", "")
                    ]
                ),
            ),
            rx.table.body(rx.foreach(State.invitations, _invitation_row)),
            width="100%",
            id="invitation-table",
        ),
        rx.text("No pending invitations.", color_scheme="gray", size="2"),
    )


def _invite_link() -> rx.Component:
    return rx.cond(
        State.invite_link != "",
        rx.callout(
            rx.vstack(
                rx.text(
                    "Send this link to the person you invited. It works once, for their email only."
                ),
                rx.hstack(
                    rx.input(
                        value=State.invite_link, read_only=True, id="invite-link", width="100%"
                    ),
                    rx.button(
                        rx.icon("copy", size=16),
                        "Copy link",
                        type="button",
                        on_click=[
                            rx.set_clipboard(State.invite_link),
                            rx.toast.info("Link copied."),
                        ],
                        id="copy-invite-link",
                    ),
                    width="100%",
                ),
                width="100%",
            ),
            icon="link",
            color_scheme="green",
            width="100%",
        ),
    )


def _invite_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Invite someone", size="4"),
            text_field(
                "Email",
                "email",
                State.invite_errors,
                form_id="invite",
                placeholder="teammate@example.com",
            ),
            _role_select(State.invite_errors, form_id="invite", default="team_member"),
            _brand_scope(State.invite_errors, form_id="invite"),
            form_error(State.invite_errors, form_id="invite"),
            rx.button("Create invitation link", type="submit", id="invite-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.invite,
        key=State.invite_version,
        width="100%",
    )


@protected_page(routes.SETTINGS_TEAM, "Team", on_load=[State.load])
def settings_team() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.heading("Members", size="4"),
        _members(),
        rx.cond(
            State.can_manage,
            rx.vstack(
                rx.heading("Pending invitations", size="4"),
                _invitations(),
                _invite_link(),
                rx.card(_invite_form(), width="100%", max_width="40em"),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )
