"""Compose: write once, adjust per account, see each network's post, then send or schedule.

Left: accounts, the text (with a tab per account for its own version), tools (emoji,
templates, signatures, hashtag groups, variables, short links), media, thread, first comment,
tags, when, and the actions. Right: a live preview per account, as its network shows it.
"""

import reflex as rx

from socialmuse import routes
from socialmuse.components.ai_panel import ai_panel
from socialmuse.components.composer_tools import link_shortener, snippet_menu, variable_menu
from socialmuse.components.emoji_picker import emoji_picker
from socialmuse.components.empty_state import empty_state
from socialmuse.components.forms import error_text, form_error
from socialmuse.components.layout import protected_page
from socialmuse.components.media_picker import media_picker
from socialmuse.components.previews import preview_card
from socialmuse.state.compose import AccountChoice, ComposeState, MediaRow
from socialmuse.state.media_picker import MediaPickerState
from socialmuse.state.shell import ShellState

State = ComposeState
FORM_ID = "compose"
UPLOAD_ID = "compose-upload"


def _error(field: str) -> rx.Component:
    return error_text(State.errors.get(field, "").to(str), element_id=f"{FORM_ID}-{field}-error")


# --- accounts and tabs ------------------------------------------------------------------------


def _account_choice(account: rx.Var[AccountChoice]) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.checkbox(
                checked=State.selected.contains(account.id),
                on_change=lambda checked: State.toggle_account(account.id, checked),
                disabled=account.status == "reconnect_needed",
                aria_label=account.network + " @" + account.handle,
            ),
            rx.badge(account.network, variant="soft"),
            "@",
            account.handle,
            rx.cond(account.status != "connected", rx.badge(account.status_label)),
            spacing="1",
            align="center",
        ),
        as_="label",
        size="2",
        data_account=account.handle,
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
        _error("account_ids"),
        spacing="1",
        width="100%",
    )


def _tab_button(label: rx.Var[str] | str, value: rx.Var[str] | str, element_id) -> rx.Component:
    active = State.tab == value
    return rx.button(
        label,
        type="button",
        size="1",
        variant=rx.cond(active, "solid", "soft"),
        on_click=State.set_tab(value),
        aria_pressed=rx.cond(active, "true", "false"),
        id=element_id,
    )


def _tabs() -> rx.Component:
    return rx.cond(
        State.chosen.length() > 1,
        rx.hstack(
            _tab_button("Original", "all", f"{FORM_ID}-tab-all"),
            rx.foreach(
                State.chosen,
                lambda a: _tab_button(
                    a.network + " @" + a.handle, a.id, f"{FORM_ID}-tab-" + a.id.to(str)
                ),
            ),
            wrap="wrap",
            spacing="2",
            role="group",
            aria_label="Text for",
            id=f"{FORM_ID}-tabs",
        ),
    )


def _tab_note() -> rx.Component:
    return rx.cond(
        State.tab != "all",
        rx.hstack(
            rx.cond(
                State.tab_overridden,
                rx.text("This account has its own version.", size="2"),
                rx.text("Same as the original; type here to give this account its own.", size="2"),
            ),
            rx.cond(
                State.tab_overridden,
                rx.button(
                    "Back to the original",
                    size="1",
                    variant="ghost",
                    type="button",
                    on_click=State.reset_variant,
                    id=f"{FORM_ID}-reset",
                ),
                rx.button(
                    "Customize for this account",
                    size="1",
                    variant="ghost",
                    type="button",
                    on_click=State.customize,
                    id=f"{FORM_ID}-customize",
                ),
            ),
            align="center",
            spacing="3",
        ),
    )


# --- text and tools ----------------------------------------------------------------------------


def _counts() -> rx.Component:
    return rx.hstack(
        rx.foreach(
            State.counts,
            lambda c: rx.text(
                c.network,
                ": ",
                c.label,
                size="1",
                color_scheme=rx.cond(c.over, "red", "gray"),
                weight=rx.cond(c.over, "bold", "regular"),
                data_network=c.platform,
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
    )


def _tools() -> rx.Component:
    return rx.hstack(
        emoji_picker(State.insert_emoji, element_id=f"{FORM_ID}-emoji"),
        snippet_menu("Templates", "file_text", State.templates, f"{FORM_ID}-templates"),
        snippet_menu("Signatures", "pen_line", State.signatures, f"{FORM_ID}-signatures"),
        snippet_menu("Hashtags", "hash", State.hashtag_groups, f"{FORM_ID}-hashtags"),
        variable_menu(f"{FORM_ID}-variables"),
        link_shortener(f"{FORM_ID}-link"),
        wrap="wrap",
        spacing="2",
    )


def _text_field() -> rx.Component:
    error = State.errors.get("text", "").to(str)
    return rx.vstack(
        rx.el.label("Text", html_for=f"{FORM_ID}-text", class_name="field-label"),
        _tabs(),
        _tab_note(),
        rx.text_area(
            id=f"{FORM_ID}-text",
            value=State.active_text,
            on_change=State.set_active_text,
            rows="7",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{FORM_ID}-text-error {FORM_ID}-counts",
            color_scheme=rx.cond(error != "", "red", "gray"),
            placeholder="What do you want to say? Variables like {brand} are filled in per account",
        ),
        _tools(),
        _counts(),
        error_text(error, element_id=f"{FORM_ID}-text-error"),
        spacing="2",
        width="100%",
        align="stretch",
    )


# --- media --------------------------------------------------------------------------------------


def _media_item(item: rx.Var[MediaRow]) -> rx.Component:
    included = State.tab_media.contains(item.id)
    return rx.hstack(
        rx.cond(
            item.thumbnail != "",
            rx.image(
                src=item.thumbnail,
                alt=item.alt_text,
                width="4em",
                height="3em",
                object_fit="cover",
                border_radius="4px",
            ),
            rx.center(
                rx.icon("play", size=16),
                width="4em",
                height="3em",
                background="#1c2024",
                color="white",
                border_radius="4px",
            ),
        ),
        rx.vstack(
            rx.text(item.filename, size="1", weight="medium"),
            rx.input(
                default_value=item.alt_text,
                placeholder="Alt text: describe it for people who cannot see it",
                on_blur=lambda value: State.set_alt(item.id, value),
                aria_label="Alt text for " + item.filename,
                size="1",
                width="100%",
                data_alt_for=item.filename,
                key=item.id + item.alt_text,
            ),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            State.tab == "all",
            rx.icon_button(
                rx.icon("x", size=14),
                size="1",
                variant="ghost",
                type="button",
                aria_label="Remove " + item.filename,
                on_click=State.remove_media(item.id),
            ),
            rx.checkbox(
                "Include",
                checked=included,
                on_change=lambda checked: State.toggle_variant_media(item.id, checked),
                size="1",
            ),
        ),
        width="100%",
        align="center",
        data_media=item.filename,
    )


def _media_field() -> rx.Component:
    return rx.vstack(
        rx.text("Media", as_="div", class_name="field-label"),
        rx.vstack(rx.foreach(State.media, _media_item), width="100%", id=f"{FORM_ID}-media"),
        rx.cond(
            State.tab == "all",
            rx.hstack(
                rx.input(
                    value=State.upload_alt,
                    on_change=State.set_upload_alt,
                    placeholder="Alt text for the next file",
                    size="1",
                    id=f"{FORM_ID}-upload-alt",
                    flex="1",
                ),
                rx.button(
                    rx.icon("image_plus", size=14),
                    "Media library",
                    size="1",
                    variant="soft",
                    type="button",
                    on_click=State.open_library,
                    id=f"{FORM_ID}-library",
                ),
                rx.upload.root(
                    rx.button(
                        rx.icon("upload", size=14),
                        "Upload",
                        size="1",
                        variant="soft",
                        type="button",
                    ),
                    id=UPLOAD_ID,
                    multiple=True,
                    accept={
                        "image/*": [".jpg", ".jpeg", ".png", ".gif", ".webp"],
                        "video/*": [".mp4", ".mov"],
                    },
                    on_drop=State.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    border="none",
                    padding="0",
                ),
                width="100%",
                align="center",
            ),
            rx.text(
                "Untick a file to leave it out for this account.", size="1", color_scheme="gray"
            ),
        ),
        _error("media"),
        _error("alt_text"),
        media_picker(),
        # Mounted when the picker has confirmed a choice the composer has not taken yet.
        rx.cond(
            MediaPickerState.confirmed_version != State.picker_seen,
            rx.box(on_mount=State.take_picked, display="none"),
        ),
        spacing="2",
        width="100%",
    )


# --- thread, first comment, tags ---------------------------------------------------------------


def _thread_part(part: rx.Var[str], index: rx.Var[int]) -> rx.Component:
    return rx.hstack(
        rx.text_area(
            value=part,
            on_change=lambda value: State.set_part(index, value),
            rows="3",
            width="100%",
            aria_label="Thread part " + (index + 2).to(str),
            class_name="thread-part",
        ),
        rx.icon_button(
            rx.icon("trash_2", size=14),
            size="1",
            variant="ghost",
            color_scheme="red",
            type="button",
            aria_label="Remove thread part " + (index + 2).to(str),
            on_click=State.remove_part(index),
        ),
        width="100%",
        align="start",
    )


def _thread_field() -> rx.Component:
    return rx.vstack(
        rx.foreach(State.thread, _thread_part),
        rx.hstack(
            rx.button(
                rx.icon("list_plus", size=14),
                "Add thread part",
                size="1",
                variant="soft",
                type="button",
                on_click=State.add_part,
                id=f"{FORM_ID}-add-part",
            ),
            rx.button(
                rx.icon("message_square", size=14),
                rx.cond(State.show_first_comment, "Remove first comment", "Add first comment"),
                size="1",
                variant="soft",
                type="button",
                on_click=State.toggle_first_comment,
                id=f"{FORM_ID}-toggle-comment",
            ),
            spacing="2",
        ),
        _error("thread"),
        rx.cond(
            State.show_first_comment,
            rx.vstack(
                rx.el.label(
                    "First comment", html_for=f"{FORM_ID}-first-comment", class_name="field-label"
                ),
                rx.text_area(
                    value=State.first_comment,
                    on_change=State.set_first_comment,
                    rows="2",
                    width="100%",
                    id=f"{FORM_ID}-first-comment",
                ),
                _error("first_comment"),
                spacing="1",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _campaign_field() -> rx.Component:
    return rx.cond(
        State.campaigns.length() > 0,
        rx.vstack(
            rx.el.label("Campaign", html_for=f"{FORM_ID}-campaign", class_name="field-label"),
            rx.select.root(
                rx.select.trigger(placeholder="No campaign", id=f"{FORM_ID}-campaign"),
                rx.select.content(
                    rx.select.item("No campaign", value="none"),
                    rx.foreach(
                        State.campaigns,
                        lambda c: rx.select.item(c["name"], value=c["id"]),
                    ),
                ),
                value=rx.cond(State.campaign_id == "", "none", State.campaign_id),
                on_change=State.choose_campaign,
            ),
            _error("campaign_id"),
            spacing="1",
            width="100%",
        ),
    )


def _tags_field() -> rx.Component:
    return rx.vstack(
        rx.el.label("Tags", html_for=f"{FORM_ID}-tags", class_name="field-label"),
        rx.input(
            value=State.tags_text,
            on_change=State.set_tags_text,
            placeholder="launch, spring sale",
            id=f"{FORM_ID}-tags",
            width="100%",
        ),
        _error("tags"),
        spacing="1",
        width="100%",
    )


# --- when and actions ----------------------------------------------------------------------------


def _radio(value: str, label: str) -> rx.Component:
    return rx.text(
        rx.flex(rx.radio_group.item(value=value), label, spacing="2"), as_="label", size="2"
    )


def _when_field() -> rx.Component:
    error = State.errors.get("at", "").to(str)
    show_time = (State.mode == "later") | State.approval_needed
    return rx.vstack(
        rx.text("When", as_="div", class_name="field-label"),
        rx.cond(
            ~State.approval_needed,
            rx.radio_group.root(
                rx.flex(
                    _radio("now", "Publish now"),
                    _radio("later", "Schedule for"),
                    _radio("queue", "Add to queue"),
                    spacing="4",
                    wrap="wrap",
                ),
                value=State.mode,
                on_change=State.set_mode,
                aria_label="When",
            ),
        ),
        rx.cond(
            show_time,
            rx.hstack(
                rx.input(
                    type="date",
                    value=State.date,
                    on_change=State.set_date,
                    id=f"{FORM_ID}-date",
                    aria_label="Date",
                    aria_invalid=rx.cond(error != "", "true", "false"),
                    aria_describedby=f"{FORM_ID}-at-error",
                    color_scheme=rx.cond(error != "", "red", "gray"),
                ),
                rx.input(
                    type="time",
                    value=State.time,
                    on_change=State.set_time,
                    id=f"{FORM_ID}-time",
                    aria_label="Time",
                    aria_invalid=rx.cond(error != "", "true", "false"),
                    aria_describedby=f"{FORM_ID}-at-error",
                    color_scheme=rx.cond(error != "", "red", "gray"),
                ),
                rx.text("in ", rx.text.strong(State.timezone), " (the brand's timezone)", size="2"),
                align="center",
                wrap="wrap",
                id=f"{FORM_ID}-timezone",
            ),
        ),
        rx.cond(
            (State.mode == "queue") & ~State.approval_needed,
            rx.text(
                "The post goes to the next free posting slot of its accounts.",
                size="1",
                color_scheme="gray",
            ),
        ),
        error_text(error, element_id=f"{FORM_ID}-at-error"),
        spacing="2",
        width="100%",
    )


def _actions() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.approval_needed,
            rx.callout(
                "Posts for this brand are approved before they go out: submit it for approval, "
                "and it is scheduled for the time above once approved.",
                icon="shield_check",
                size="1",
                id=f"{FORM_ID}-approval-note",
            ),
        ),
        rx.cond(
            State.approval_needed,
            rx.vstack(
                rx.input(
                    value=State.approval_note,
                    on_change=State.set_approval_note,
                    placeholder="Note for the approver (optional)",
                    aria_label="Note for the approver",
                    id=f"{FORM_ID}-note",
                    width="100%",
                ),
                _error("note"),
                spacing="1",
                width="100%",
            ),
        ),
        form_error(State.errors, form_id=FORM_ID),
        rx.hstack(
            rx.button(
                State.primary_label,
                type="button",
                on_click=State.submit,
                loading=State.busy,
                id=f"{FORM_ID}-submit",
            ),
            rx.button(
                "Save draft",
                type="button",
                variant="soft",
                on_click=State.save_draft,
                disabled=State.busy,
                id=f"{FORM_ID}-save",
            ),
            rx.spacer(),
            rx.button(
                "Discard draft",
                type="button",
                variant="ghost",
                color_scheme="gray",
                on_click=State.discard_draft,
                id=f"{FORM_ID}-discard",
            ),
            width="100%",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _restored() -> rx.Component:
    return rx.cond(
        State.restored_note != "",
        rx.callout(State.restored_note, icon="history", size="1", id=f"{FORM_ID}-restored"),
    )


def _assistant_slot() -> rx.Component:
    """The AI assistant, folded away until wanted ("Use this" calls ``use_ai_text``)."""
    return rx.el.details(
        rx.el.summary(
            rx.hstack(rx.icon("sparkles", size=16), rx.text("AI assistant", size="2"), spacing="2"),
            cursor="pointer",
        ),
        rx.box(ai_panel(), padding_top="0.5em"),
        id=f"{FORM_ID}-assistant",
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            _restored(),
            rx.cond(
                State.post_id != "",
                rx.text(
                    "Editing post #",
                    State.post_id,
                    size="2",
                    color_scheme="gray",
                    id=f"{FORM_ID}-editing",
                ),
            ),
            _accounts_field(),
            _text_field(),
            _assistant_slot(),
            _media_field(),
            _thread_field(),
            _campaign_field(),
            _tags_field(),
            _when_field(),
            _actions(),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def _previews() -> rx.Component:
    return rx.vstack(
        rx.heading("Preview", size="3"),
        rx.cond(
            State.previews.length() > 0,
            rx.vstack(
                rx.foreach(
                    State.previews,
                    lambda row: preview_card(row, State.toggle_expanded(row.account_id)),
                ),
                spacing="4",
                width="100%",
            ),
            rx.text(
                "Choose accounts to see the post as each network shows it.",
                size="2",
                color_scheme="gray",
            ),
        ),
        spacing="3",
        width="100%",
        id=f"{FORM_ID}-previews",
        position="sticky",
        top="1em",
    )


# --- page ------------------------------------------------------------------------------------


def _post_row(post: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(post["text"], href=post["href"])),
        rx.table.cell(post["when"]),
        rx.table.cell(rx.badge(post["status_label"])),
        rx.table.cell(rx.text(post["progress"], size="2", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                post["editable"] != "",
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=rx.redirect(post["edit"]),
                    aria_label="Edit post " + post["id"],
                ),
            )
        ),
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
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Text", "When", "Status", "", "")
                        ]
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
            rx.grid(
                _editor(),
                _previews(),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="5",
                width="100%",
                align_items="start",
            ),
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
