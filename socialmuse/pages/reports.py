"""Analytics → Reports: download now, the PDF logo, and scheduled report emails."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.analytics_charts import SELECT_STYLE
from socialmuse.components.empty_state import empty_state
from socialmuse.components.forms import error_text
from socialmuse.components.layout import protected_page
from socialmuse.services.report_schedules import WEEKDAYS
from socialmuse.state.reports import UPLOAD_ID
from socialmuse.state.reports import ReportsState as State
from socialmuse.state.shell import ShellState


def _download() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Download a report", size="4"),
            rx.text(
                "Every table of the analytics page as CSV files (zip), or the PDF report with "
                "your logo, colour, KPIs, charts and top posts.",
                size="2",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.el.select(
                    rx.el.option("Last 7 days", value="7"),
                    rx.el.option("Last 30 days", value="30"),
                    rx.el.option("Last 90 days", value="90"),
                    value=State.days,
                    on_change=State.set_days,
                    id="download-days",
                    aria_label="Period",
                    style=SELECT_STYLE,
                ),
                rx.button(
                    "CSV (zip)", variant="soft", on_click=State.download("csv"), id="download-csv"
                ),
                rx.button("PDF", variant="soft", on_click=State.download("pdf"), id="download-pdf"),
                spacing="3",
                align="center",
            ),
            error_text(State.download_error, element_id="download-error"),
            spacing="3",
        ),
        width="100%",
    )


def _logo() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Logo on PDF reports", size="4"),
            rx.cond(
                State.logo_name != "",
                rx.hstack(
                    rx.text("Current logo: ", rx.code(State.logo_name), size="2", id="logo-name"),
                    rx.button(
                        "Remove",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=State.remove_logo,
                    ),
                    align="center",
                ),
                rx.text(
                    "No logo yet: reports show the brand's name.", size="2", color_scheme="gray"
                ),
            ),
            rx.upload(
                rx.button("Choose a PNG or JPEG", variant="soft", size="1"),
                id=UPLOAD_ID,
                accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]},
                max_files=1,
                multiple=False,
                on_drop=State.upload_logo(rx.upload_files(upload_id=UPLOAD_ID)),
                border="1px dashed var(--gray-a7)",
                padding="1em",
            ),
            error_text(State.logo_error, element_id="logo-error"),
            spacing="3",
        ),
        width="100%",
    )


def _field(label: str, name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"schedule-{name}", class_name="field-label"),
        control,
        error_text(State.form_errors.get(name, "").to(str), element_id=f"schedule-{name}-error"),
        spacing="1",
    )


def _select(name: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options],
        value=State.form[name],
        on_change=lambda v: State.set_field(name, v),
        id=f"schedule-{name}",
        style=SELECT_STYLE,
    )


def _input(name: str, **props: object) -> rx.Component:
    return rx.input(
        value=State.form[name],
        on_change=lambda v: State.set_field(name, v),
        id=f"schedule-{name}",
        **props,
    )


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(
                rx.cond(State.editing_id != "", "Edit the schedule", "New scheduled report"),
                size="4",
            ),
            rx.flex(
                _field("Name", "name", _input("name", placeholder="Weekly digest")),
                _field(
                    "How often",
                    "frequency",
                    _select("frequency", [("weekly", "Weekly"), ("monthly", "Monthly")]),
                ),
                rx.cond(
                    State.form["frequency"] == "weekly",
                    _field(
                        "On",
                        "weekday",
                        _select("weekday", [(str(i), d) for i, d in enumerate(WEEKDAYS)]),
                    ),
                    _field(
                        "Day of the month (1-28)",
                        "day_of_month",
                        _input("day_of_month", type="number", min=1, max=28, width="6em"),
                    ),
                ),
                _field(
                    "At (" + State.timezone + ")", "local_time", _input("local_time", type="time")
                ),
                _field(
                    "Format", "format", _select("format", [("pdf", "PDF"), ("csv", "CSV (zip)")])
                ),
                gap="4",
                wrap="wrap",
            ),
            _field(
                "Recipients (comma-separated emails)",
                "recipients",
                _input("recipients", placeholder="ana@example.com, bo@example.com", width="100%"),
            ),
            error_text(State.form_errors.get("form", "").to(str), element_id="schedule-form-error"),
            rx.hstack(
                rx.button(
                    rx.cond(State.editing_id != "", "Save changes", "Add schedule"),
                    on_click=State.save,
                    id="schedule-submit",
                ),
                rx.cond(
                    State.editing_id != "",
                    rx.button(
                        "Cancel", variant="soft", color_scheme="gray", on_click=State.cancel_edit
                    ),
                ),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _row(item: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(item["name"], weight="medium"),
            rx.text(item["description"], size="1", color_scheme="gray"),
        ),
        rx.table.cell(item["recipients"]),
        rx.table.cell(item["next_run"]),
        rx.table.cell(
            rx.badge(
                item["result"],
                color_scheme=rx.match(item["status"], ("sent", "green"), ("failed", "red"), "gray"),
                class_name="schedule-result",
            ),
            rx.cond(
                item["error"] != "",
                rx.text(item["error"], size="1", color_scheme="red", class_name="schedule-error"),
            ),
        ),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Send now",
                    size="1",
                    variant="soft",
                    on_click=State.send_now(item["id"]),
                    class_name="schedule-send",
                ),
                rx.button("Edit", size="1", variant="soft", on_click=State.edit(item["id"])),
                rx.button(
                    "Delete",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=State.delete(item["id"]),
                ),
                spacing="2",
            )
        ),
        data_schedule=item["name"],
    )


def _schedules() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Scheduled reports", size="4"),
                rx.spacer(),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    "Refresh",
                    size="1",
                    variant="ghost",
                    on_click=State.refresh,
                    id="schedules-refresh",
                ),
                width="100%",
            ),
            rx.cond(
                ~State.mail_configured,
                rx.callout(
                    "Email is not set up on this server (SOCIALMUSE_SMTP_HOST): schedules are "
                    "kept, and each run is shown as failed until email works.",
                    icon="triangle-alert",
                    color_scheme="amber",
                ),
            ),
            rx.cond(
                State.schedules.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Report", "Recipients", "Next run", "Last result", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(State.schedules, _row)),
                    id="schedules",
                    size="1",
                    width="100%",
                ),
                rx.text("No scheduled reports yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.link("← Back to analytics", href=routes.ANALYTICS),
        _download(),
        _schedules(),
        _form(),
        _logo(),
        spacing="4",
        width="100%",
    )


def _no_brand() -> rx.Component:
    return empty_state("file-text", "No brand yet", "Create a brand to send it reports.")


@protected_page(routes.ANALYTICS_REPORTS, "Reports")
def reports_page() -> rx.Component:
    return rx.cond(
        State.brand_id == ShellState.brand_id,
        rx.cond(State.brand_id != "", _body(), _no_brand()),
        rx.center(rx.spinner(), on_mount=State.load, width="100%"),
    )
