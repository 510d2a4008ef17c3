"""Moving posts: drag and drop, and the "Move to…" dialog that does the same by keyboard.

Reflex has no drag events on plain elements, so a small script (installed once per page
load) listens on the document: dragging a card that has ``data-post-id`` and dropping it on
an element with ``data-drop-date`` (and ``data-drop-hour`` in the week and day views) fills
a hidden form and submits it to ``CalendarState.drop`` with the new local time. A day keeps
the post's time; an hour keeps its minutes.
"""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text
from socialmuse.state.calendar import CalendarState as State

DROP_FORM_ID = "calendar-drop-form"

DND_SCRIPT = """
(() => {
  if (window.__socialmuseCalendarDnd) return;
  window.__socialmuseCalendarDnd = true;
  const TYPE = "application/x-socialmuse-post";
  const card = (el) => (el && el.closest ? el.closest('[data-post-id][draggable="true"]') : null);
  const slot = (el) => (el && el.closest ? el.closest("[data-drop-date]") : null);
  const clear = () => document.querySelectorAll("[data-drop-over]").forEach(
    (el) => el.removeAttribute("data-drop-over"));
  document.addEventListener("dragstart", (e) => {
    const c = card(e.target);
    if (!c) return;
    e.dataTransfer.setData(TYPE, c.dataset.postId + "|" + (c.dataset.localTime || ""));
    e.dataTransfer.setData("text/plain", "post " + c.dataset.postId);
    e.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", (e) => {
    const s = slot(e.target);
    if (!s || !Array.from(e.dataTransfer.types).includes(TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    clear();
    s.setAttribute("data-drop-over", "true");
  });
  document.addEventListener("dragend", clear);
  document.addEventListener("drop", (e) => {
    const s = slot(e.target);
    const raw = e.dataTransfer.getData(TYPE);
    clear();
    if (!s || !raw) return;
    e.preventDefault();
    const [postId, time] = raw.split("|");
    const minutes = (time.split(":")[1] || "00");
    const hour = s.dataset.dropHour;
    const at = s.dataset.dropDate + "T" +
      (hour !== undefined ? String(hour).padStart(2, "0") + ":" + minutes : (time || "09:00"));
    const form = document.getElementById("__FORM_ID__");
    if (!form) return;
    form.elements["post_id"].value = postId;
    form.elements["at"].value = at;
    form.requestSubmit();
  });
})();
""".replace("__FORM_ID__", DROP_FORM_ID)


def drop_form() -> rx.Component:
    """Hidden; the drag-and-drop script submits it, and installs itself when it mounts."""
    return rx.form(
        rx.el.input(type="hidden", name="post_id"),
        rx.el.input(type="hidden", name="at"),
        on_submit=State.drop,
        on_mount=rx.call_script(DND_SCRIPT),
        id=DROP_FORM_ID,
        display="none",
    )


def move_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Move post"),
            rx.dialog.description(
                "New date and time in ",
                rx.text.strong(State.timezone),
                " (the brand's timezone).",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.el.label("Date and time", html_for="move-at", class_name="field-label"),
                    rx.input(
                        type="datetime-local",
                        name="at",
                        id="move-at",
                        default_value=State.move_default,
                        key=State.move_post_id,
                        aria_invalid=rx.cond(State.move_errors.contains("at"), "true", "false"),
                        aria_describedby="move-at-error",
                        width="100%",
                    ),
                    error_text(State.move_errors.get("at", "").to(str), element_id="move-at-error"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Move", type="submit", id="move-submit"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=State.move,
            ),
        ),
        open=State.move_open,
        on_open_change=State.set_move_open,
    )
