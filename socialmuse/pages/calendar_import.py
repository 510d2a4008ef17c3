"""Import posts from CSV (a report per row before anything is created) and export them."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page
from socialmuse.services.csv_import import HEADER, MAX_ROWS
from socialmuse.state.csv_import import CsvImportState as State
from socialmuse.state.shell import ShellState

UPLOAD_ID = "csv-upload"


def _intro() -> rx.Component:
    return rx.vstack(
        rx.text(
            "One post per row. The first line must be exactly ",
            rx.code(",".join(HEADER)),
            ". Dates and times are in ",
            rx.text.strong(State.timezone),
            " (the brand's timezone); accounts, media, alt texts and tags are separated by ",
            rx.code(";"),
            ". Name an account by its id, its handle, or ",
            rx.code("network:handle"),
            "; media by an https link or a media library file as ",
            rx.code("media:ID"),
            f". Up to {MAX_ROWS:,} rows per file.",
            size="2",
        ),
        rx.hstack(
            rx.button(
                rx.icon("file-down", size=16),
                "Download a sample CSV",
                variant="soft",
                on_click=State.download_sample,
                id="import-sample",
            ),
            rx.button(
                rx.icon("download", size=16),
                "Export CSV",
                variant="soft",
                on_click=State.export_csv,
                id="export-csv",
            ),
            rx.text("Export: every post of ", State.brand_name, ", in the same columns.", size="1"),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def _dropzone() -> rx.Component:
    return rx.upload(
        rx.vstack(
            rx.icon("upload", size=28, color=rx.color("gray", 9)),
            rx.text("Drop a CSV file here, or click to choose one.", weight="medium"),
            rx.text("Nothing is created until you have read the report.", size="1"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
        multiple=False,
        max_files=1,
        on_drop=State.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=State.rejected,
        border=f"2px dashed {rx.color('gray', 7)}",
        border_radius="8px",
        padding="2em",
        width="100%",
        cursor="pointer",
    )


def _status_badge(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.badge(
        row["status_label"],
        color_scheme=rx.match(
            row["status"],
            ("ok", "green"),
            ("created", "green"),
            ("refused", "red"),
            "gray",
        ),
    )


def _report_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["line"]),
        rx.table.cell(row["when"]),
        rx.table.cell(row["accounts"]),
        rx.table.cell(
            rx.cond(row["href"] != "", rx.link(row["text"], href=row["href"]), row["text"]),
            rx.cond(row["media"] != "", rx.text(row["media"], size="1", color_scheme="gray")),
        ),
        rx.table.cell(
            rx.vstack(
                _status_badge(row),
                rx.cond(
                    row["reasons"] != "",
                    rx.text(row["reasons"], size="2", color_scheme="red", class_name="reasons"),
                ),
                spacing="1",
            )
        ),
        data_line=row["line"],
        data_status=row["status"],
    )


def _summary() -> rx.Component:
    return rx.hstack(
        rx.text(
            State.file_name,
            ": ",
            State.ready_count,
            " ready, ",
            State.refused_count,
            " refused",
            rx.cond(
                State.already_count > 0,
                rx.text.span(", ", State.already_count, " already imported"),
            ),
            ".",
            id="import-summary",
            size="2",
        ),
        rx.spacer(),
        rx.button("Choose another file", variant="soft", color_scheme="gray", on_click=State.clear),
        rx.button(
            "Create ",
            State.ready_count,
            rx.cond(State.ready_count == 1, " post", " posts"),
            on_click=State.create_posts,
            disabled=State.ready_count == 0,
            id="import-create",
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.created > 0,
            rx.hstack(
                rx.callout(
                    rx.text(
                        "Created ",
                        State.created,
                        rx.cond(State.created == 1, " post", " posts"),
                        ", each scheduled at its time. Open one from the table, or see them "
                        "on the ",
                        rx.link("calendar", href=routes.CALENDAR),
                        ".",
                    ),
                    icon="circle-check",
                    color_scheme="green",
                    id="import-done",
                    flex_grow="1",
                ),
                rx.button(
                    "Import another file",
                    variant="soft",
                    on_click=State.clear,
                    id="import-again",
                ),
                width="100%",
                align="center",
            ),
            _summary(),
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Line", "When", "Accounts", "Text", "Result")
                    ]
                )
            ),
            rx.table.body(rx.foreach(State.rows, _report_row)),
            width="100%",
            id="import-report",
        ),
        spacing="3",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        _intro(),
        rx.cond(
            State.busy != "",
            rx.hstack(rx.spinner(), rx.text(State.busy), align="center", id="import-busy"),
            rx.cond(State.checked, _report(), _dropzone()),
        ),
        rx.cond(
            State.error != "",
            rx.callout(
                State.error,
                icon="triangle-alert",
                color_scheme="red",
                id="import-error",
                role="alert",
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
    )


def _no_brand() -> rx.Component:
    return empty_state(
        "file-spreadsheet",
        "No brand yet",
        "Posts belong to a brand: create one and connect its accounts, then import a CSV of "
        "posts here.",
        rx.link("Create a brand", href=routes.SETTINGS_BRANDS, id="import-no-brand"),
    )


@protected_page(routes.CALENDAR_IMPORT, "Import posts", on_load=[State.load])
def calendar_import() -> rx.Component:
    return rx.cond(
        State.brand_id == ShellState.brand_id,
        rx.cond(State.brand_id != "", _body(), _no_brand()),
        # The person switched brands: reload for the new one before showing anything.
        rx.center(rx.spinner(), on_mount=State.load, width="100%"),
    )
