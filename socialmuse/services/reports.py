"""Reports: every analytics table as CSV (one file or a zip), and a white-label PDF.

``build_report`` reads the same service functions the analytics page shows (so a CSV and
the page never disagree), for one brand, date range and filters. ``csv_zip`` /
``table_csv`` / ``pdf_report`` turn it into bytes; ``export`` is the one call doors use.

The PDF carries the brand's name, colour (``Brand.color``) and optional logo (a stored
image, ``set_logo``), the KPI table, charts drawn with Pillow (``report_charts``, no
browser needed) and the top posts. It uses the PDF core fonts, so characters outside
Latin-1 (emoji, CJK) print as "?" rather than failing the report.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from fpdf import FPDF
from pydantic import BaseModel
from sqlmodel import Session

from socialmuse.models import Brand, MediaAsset, utcnow
from socialmuse.services import analytics, audit, competitors, report_charts
from socialmuse.services.brands import Action, load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.media import media_root, store_file
from socialmuse.services.permissions import Actor
from socialmuse.services.validation import media_file_from_path

# Every table a person sees on the analytics page, in page order: key -> title.
TABLES: dict[str, str] = {
    "kpis": "KPIs",
    "engagement": "Engagement over time",
    "networks": "Networks compared",
    "top_posts": "Top posts",
    "hashtags": "Hashtags",
    "campaigns": "Campaigns",
    "followers": "Follower growth",
    "competitors": "Competitors",
}
TOP_POSTS_IN_EXPORT = 200
LOGO_TYPES = ("image/png", "image/jpeg")

Format = Literal["csv", "pdf"]


@dataclass
class ReportData:
    """One brand's report: its identity, the period, the KPIs and every table."""

    brand_id: int
    brand_name: str
    brand_color: str
    timezone: str
    start: date
    end: date
    summary: analytics.Summary
    tables: dict[str, pd.DataFrame]
    reasons: dict[str, str] = field(default_factory=dict)  # table key -> why it is empty
    logo: bytes | None = None


class ExportFile(BaseModel):
    filename: str
    content_type: str
    data: bytes


# ---------------------------------------------------------------- data


def _kpi_frame(summary: analytics.Summary) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "kpi": k.key,
                "label": k.label,
                "value": k.value,
                "previous": k.previous,
                "change": k.change,
                "change_pct": k.change_pct,
            }
            for k in summary.kpis()
        ],
        columns=["kpi", "label", "value", "previous", "change", "change_pct"],
    )


def _top_frame(top: analytics.TopPosts) -> pd.DataFrame:
    columns = list(analytics.TopPost.model_fields)
    return pd.DataFrame([item.model_dump() for item in top.items], columns=columns)


def build_report(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
    top_order_by: str = "engagements",
) -> ReportData:
    """Read every table of the analytics page for the brand, period and filters."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    scope: dict[str, Any] = {
        "actor": actor,
        "brand_id": brand_id,
        "start": start,
        "end": end,
        "account_ids": account_ids,
        "platforms": platforms,
    }
    summary = analytics.summary(session, **scope)
    frames: dict[str, analytics.Frame] = {
        "engagement": analytics.engagement_over_time(session, **scope),
        "networks": analytics.network_comparison(session, **scope),
        "hashtags": analytics.hashtag_performance(session, **scope),
        "campaigns": analytics.campaign_performance(session, **scope),
        "followers": analytics.follower_growth(session, **scope),
    }
    top = analytics.top_posts(
        session, **scope, order_by=top_order_by, limit=TOP_POSTS_IN_EXPORT, offset=0
    )
    comparison = competitors.compare(
        session, actor=actor, brand_id=brand_id, days=(end - start).days + 1
    )
    tables = {
        "kpis": _kpi_frame(summary),
        "engagement": frames["engagement"].frame,
        "networks": frames["networks"].frame,
        "top_posts": _top_frame(top),
        "hashtags": frames["hashtags"].frame,
        "campaigns": frames["campaigns"].frame,
        "followers": frames["followers"].frame,
        "competitors": pd.DataFrame(
            [row.model_dump() for row in comparison.rows],
            columns=list(competitors.ComparisonRow.model_fields),
        ),
    }
    reasons = {key: frame.reason for key, frame in frames.items() if frame.reason}
    if summary.reason:
        reasons["kpis"] = summary.reason
    if top.reason:
        reasons["top_posts"] = top.reason
    if comparison.reason or not comparison.rows:
        reasons["competitors"] = comparison.reason or "No competitors are tracked yet."
    return ReportData(
        brand_id=brand_id,
        brand_name=brand.name,
        brand_color=brand.color or "#6E56CF",
        timezone=brand.timezone,
        start=start,
        end=end,
        summary=summary,
        tables=tables,
        reasons=reasons,
        logo=_logo_bytes(session, brand),
    )


# ---------------------------------------------------------------- CSV


def table_csv(data: ReportData, key: str) -> bytes:
    """One table as UTF-8 CSV (with a BOM so spreadsheet apps read accents right)."""
    if key not in TABLES:
        raise ValidationError(f"Choose one of: {', '.join(TABLES)}.", field="table")
    out = io.StringIO()
    data.tables[key].to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _slug(text: str) -> str:
    """An ASCII file-name part: accents dropped (Café -> cafe), the rest as dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in ascii_text)
    return "-".join(part for part in cleaned.split("-") if part) or "brand"


def base_filename(data: ReportData) -> str:
    return f"{_slug(data.brand_name)}-{data.start.isoformat()}-{data.end.isoformat()}"


def csv_zip(data: ReportData) -> bytes:
    """Every table as its own CSV inside one zip, plus a README naming period and zone."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key in TABLES:
            archive.writestr(f"{key}.csv", table_csv(data, key))
        notes = [
            f"{data.brand_name}: {data.start} to {data.end} (days in {data.timezone})",
            "",
            *[f"{key}.csv: {title}" for key, title in TABLES.items()],
            "",
            *[f"{key}: {reason}" for key, reason in data.reasons.items()],
        ]
        archive.writestr("README.txt", "\n".join(notes) + "\n")
    return out.getvalue()


# ---------------------------------------------------------------- PDF


def _latin1(text: object) -> str:
    """The PDF core fonts speak Latin-1: anything else prints as '?'."""
    return str(text).encode("latin-1", errors="replace").decode("latin-1")


def _hex_rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except (ValueError, IndexError):
        return 110, 86, 207


def format_number(value: float | None, suffix: str = "") -> str:
    """How numbers read in the PDF and on the pages: 12,345 / 3.25% / n/a."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if float(value) % 1:
        return f"{value:,.2f}{suffix}"
    return f"{int(value):,}{suffix}"


def _change(kpi: analytics.Kpi, suffix: str) -> str:
    if kpi.change is None:
        return "n/a"
    sign = "+" if kpi.change >= 0 else ""
    pct = f" ({sign}{kpi.change_pct}%)" if kpi.change_pct is not None else ""
    return f"{sign}{format_number(kpi.change, suffix)}{pct}"


class _ReportPDF(FPDF):
    def __init__(self, data: ReportData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.data = data
        self.accent = _hex_rgb(data.brand_color)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(_latin1(f"{data.brand_name} report {data.start} to {data.end}"))
        self.set_author(_latin1(data.brand_name))
        self.set_creator("SocialMuse")

    def header(self) -> None:
        self.set_fill_color(*self.accent)
        self.rect(0, 0, self.w, 4, style="F")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(113, 113, 122)
        self.cell(0, 6, _latin1(f"{self.data.brand_name} - page {self.page_no()}"), align="C")


def _section(pdf: _ReportPDF, title: str) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.set_text_color(*pdf.accent)
    pdf.cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(39, 39, 42)


def _note(pdf: _ReportPDF, text: str) -> None:
    pdf.set_font("Helvetica", style="I", size=10)
    pdf.set_text_color(113, 113, 122)
    pdf.multi_cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(39, 39, 42)


def _table(pdf: _ReportPDF, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
    pdf.set_font("Helvetica", size=9)
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        headings_style=_heading_style(pdf),
        line_height=6,
        first_row_as_headings=True,
    ) as table:
        for values in [header, *rows]:
            row = table.row()
            for value in values:
                row.cell(_latin1(value))


def _heading_style(pdf: _ReportPDF) -> object:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=pdf.accent)


def _image(pdf: _ReportPDF, png: bytes) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    height = width * report_charts.HEIGHT / report_charts.WIDTH
    if pdf.get_y() + height > pdf.h - 18:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=width, h=height)
    pdf.ln(2)


def _engagement_chart(data: ReportData, colors: list[str]) -> bytes:
    frame = data.tables["engagement"]
    title = "Engagements per day"
    if frame.empty:
        return report_charts.empty_chart(title, data.reasons.get("engagement", "No data."))
    days = sorted(frame["day"].unique())
    pivot = frame.pivot_table(index="day", columns="network", values="engagements", aggfunc="sum")
    pivot = pivot.reindex(days)
    series = {
        str(name): [None if pd.isna(v) else float(v) for v in pivot[name]] for name in pivot.columns
    }
    labels = [d.strftime("%d %b") for d in days]
    return report_charts.line_chart(title, labels, series, colors=colors)


def _network_chart(data: ReportData, colors: list[str]) -> bytes:
    frame = data.tables["networks"]
    title = "Networks compared"
    if frame.empty:
        return report_charts.empty_chart(title, data.reasons.get("networks", "No data."))
    return report_charts.bar_chart(
        title,
        [str(n) for n in frame["network"]],
        {
            "Impressions": [float(v) for v in frame["impressions"]],
            "Engagements": [float(v) for v in frame["engagements"]],
        },
        colors=colors,
    )


def _follower_chart(data: ReportData, colors: list[str]) -> bytes:
    frame = data.tables["followers"]
    title = "Followers"
    if frame.empty:
        return report_charts.empty_chart(title, data.reasons.get("followers", "No data."))
    days = sorted(frame["day"].unique())
    frame = frame.assign(series=frame["handle"] + " (" + frame["network"] + ")")
    pivot = frame.pivot_table(index="day", columns="series", values="followers", aggfunc="last")
    pivot = pivot.reindex(days)
    series = {
        str(name): [None if pd.isna(v) else float(v) for v in pivot[name]] for name in pivot.columns
    }
    labels = [d.strftime("%d %b") for d in days]
    return report_charts.line_chart(title, labels, series, colors=colors)


def _cover(pdf: _ReportPDF, data: ReportData) -> None:
    pdf.add_page()
    top = pdf.get_y() + 4
    if data.logo:
        try:
            pdf.image(io.BytesIO(data.logo), x=pdf.l_margin, y=top, h=18)
            pdf.set_y(top + 22)
        except (ValueError, OSError, RuntimeError):
            pdf.set_y(top)  # an unreadable logo never stops the report
    pdf.set_font("Helvetica", style="B", size=22)
    pdf.set_text_color(*pdf.accent)
    pdf.cell(0, 12, _latin1(data.brand_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    pdf.set_text_color(39, 39, 42)
    pdf.cell(
        0,
        7,
        _latin1(
            f"Social media report, {data.start:%d %b %Y} to {data.end:%d %b %Y} ({data.timezone})"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(113, 113, 122)
    summary = data.summary
    pdf.cell(
        0,
        6,
        _latin1(
            f"Compared with {summary.previous_start:%d %b %Y} to "
            f"{summary.previous_end:%d %b %Y}. Generated {utcnow():%Y-%m-%d %H:%M} UTC."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )


def pdf_report(data: ReportData, *, compress: bool = True) -> bytes:
    """The white-label PDF: cover, KPIs, charts, networks and top posts."""
    pdf = _ReportPDF(data)
    pdf.set_compression(compress)
    colors = report_charts.palette(data.brand_color)
    _cover(pdf, data)

    _section(pdf, "Key figures")
    if data.summary.reason:
        _note(pdf, data.summary.reason)
    rows = []
    for kpi in data.summary.kpis():
        suffix = "%" if kpi.key == "engagement_rate" else ""
        rows.append(
            [
                kpi.label,
                format_number(kpi.value, suffix),
                format_number(kpi.previous, suffix),
                _change(kpi, suffix),
            ]
        )
    _table(pdf, ["Figure", "This period", "Previous period", "Change"], rows, [60, 40, 40, 40])

    _section(pdf, "Engagement over time")
    _image(pdf, _engagement_chart(data, colors))
    _section(pdf, "Networks")
    _image(pdf, _network_chart(data, colors))
    networks = data.tables["networks"]
    if not networks.empty:
        _table(
            pdf,
            ["Network", "Posts", "Impressions", "Engagements", "Rate", "Followers"],
            [
                [
                    str(r.network),
                    format_number(r.posts),
                    format_number(r.impressions),
                    format_number(r.engagements),
                    format_number(r.engagement_rate, "%"),
                    format_number(None if pd.isna(r.followers) else r.followers),
                ]
                for r in networks.itertuples()
            ],
            [40, 22, 32, 32, 22, 32],
        )
    _section(pdf, "Followers")
    _image(pdf, _follower_chart(data, colors))

    pdf.add_page()
    _section(pdf, "Top posts")
    top = data.tables["top_posts"].head(10)
    if top.empty:
        _note(pdf, data.reasons.get("top_posts", "No posts in this period."))
    else:
        _table(
            pdf,
            ["Post", "Network", "Published", "Engagements", "Rate"],
            [
                [
                    (str(r.text)[:90] + ("..." if len(str(r.text)) > 90 else "")),
                    str(r.network),
                    r.published_at.strftime("%Y-%m-%d"),
                    format_number(r.engagements),
                    format_number(r.engagement_rate, "%"),
                ]
                for r in top.itertuples()
            ],
            [84, 24, 26, 30, 16],
        )
    for key, title in (("hashtags", "Hashtags"), ("campaigns", "Campaigns")):
        frame = data.tables[key].head(10)
        _section(pdf, title)
        if frame.empty:
            _note(pdf, data.reasons.get(key, "No data in this period."))
            continue
        label = "hashtag" if key == "hashtags" else "campaign"
        _table(
            pdf,
            [title[:-1], "Posts", "Impressions", "Engagements", "Per post"],
            [
                [
                    str(getattr(r, label)),
                    format_number(r.posts),
                    format_number(r.impressions),
                    format_number(r.engagements),
                    format_number(r.engagements_per_post),
                ]
                for r in frame.itertuples()
            ],
            [60, 24, 34, 34, 28],
        )
    return bytes(pdf.output())


# ---------------------------------------------------------------- doors


def export(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date,
    end: date,
    format: str,
    table: str | None = None,
    account_ids: list[int] | None = None,
    platforms: list[str] | None = None,
) -> ExportFile:
    """The file a person downloads: a PDF, one table's CSV, or every CSV in a zip."""
    if format not in ("csv", "pdf"):
        raise ValidationError("Choose CSV or PDF.", field="format")
    if table is not None and table not in TABLES:
        raise ValidationError(f"Choose one of: {', '.join(TABLES)}.", field="table")
    data = build_report(
        session,
        actor=actor,
        brand_id=brand_id,
        start=start,
        end=end,
        account_ids=account_ids,
        platforms=platforms,
    )
    name = base_filename(data)
    audit.record_for(
        session,
        actor,
        "report.export",
        target_type="brand",
        target_id=brand_id,
        details={"format": format, "table": table, "start": str(start), "end": str(end)},
    )
    if format == "pdf":
        return ExportFile(
            filename=f"{name}.pdf", content_type="application/pdf", data=pdf_report(data)
        )
    if table:
        return ExportFile(
            filename=f"{name}-{table}.csv",
            content_type="text/csv",
            data=table_csv(data, table),
        )
    return ExportFile(filename=f"{name}.zip", content_type="application/zip", data=csv_zip(data))


# ---------------------------------------------------------------- logo


class LogoPublic(BaseModel):
    brand_id: int
    media_id: int | None
    filename: str | None


def _logo_bytes(session: Session, brand: Brand) -> bytes | None:
    if brand.logo_media_id is None:
        return None
    asset = session.get(MediaAsset, brand.logo_media_id)
    if asset is None or asset.organization_id != brand.organization_id:
        return None
    path = media_root() / asset.storage_key
    return path.read_bytes() if path.is_file() else None


def get_logo(session: Session, *, actor: Actor, brand_id: int) -> LogoPublic:
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    asset = session.get(MediaAsset, brand.logo_media_id) if brand.logo_media_id else None
    return LogoPublic(
        brand_id=brand_id,
        media_id=asset.id if asset else None,
        filename=asset.filename if asset else None,
    )


def set_logo(session: Session, *, actor: Actor, brand_id: int, path: Path) -> LogoPublic:
    """Store a PNG or JPEG (checked from its bytes) through media storage as the PDF logo."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    try:
        file = media_file_from_path(Path(path))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"Could not read the logo: {exc}", field="logo") from None
    if file.content_type not in LOGO_TYPES:
        raise ValidationError("The logo must be a PNG or JPEG image.", field="logo")
    if file.size_bytes > 2 * 1024 * 1024:
        raise ValidationError("Keep the logo under 2 MB.", field="logo")
    asset = store_file(session, actor=actor, brand_id=brand_id, file=file)
    brand.logo_media_id = asset.id
    session.add(brand)
    session.flush()
    audit.record_for(session, actor, "brand.logo_set", target_type="brand", target_id=brand_id)
    return LogoPublic(brand_id=brand_id, media_id=asset.id, filename=asset.filename)


def clear_logo(session: Session, *, actor: Actor, brand_id: int) -> LogoPublic:
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    if brand.logo_media_id is None:
        raise NotFound("This brand has no report logo.", field="logo")
    brand.logo_media_id = None
    session.add(brand)
    session.flush()
    audit.record_for(session, actor, "brand.logo_clear", target_type="brand", target_id=brand_id)
    return LogoPublic(brand_id=brand_id, media_id=None, filename=None)


# ---------------------------------------------------------------- filters


class AccountOption(BaseModel):
    """One account of the analytics filter, disconnected ones included (their history counts)."""

    id: int
    platform: str
    network: str
    handle: str
    connected: bool


def filter_accounts(session: Session, *, actor: Actor, brand_id: int) -> list[AccountOption]:
    """Every account of the brand that may hold history, for the accounts/networks filters."""
    from sqlmodel import col, select

    from socialmuse.models import SocialAccount
    from socialmuse.models.enums import AccountStatus, Platform
    from socialmuse.services.accounts import PLATFORM_LABELS

    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(SocialAccount)
        .where(
            SocialAccount.organization_id == actor.organization_id,
            SocialAccount.brand_id == brand_id,
        )
        .order_by(col(SocialAccount.platform), col(SocialAccount.handle))
    ).all()
    return [
        AccountOption(
            id=a.id or 0,
            platform=str(a.platform),
            network=PLATFORM_LABELS[Platform(a.platform)],
            handle=a.handle,
            connected=a.status != AccountStatus.DISCONNECTED,
        )
        for a in rows
    ]
