"""Charts for PDF reports drawn with Pillow from the same pandas frames the pages plot.

Plotly's static export needs a headless Chrome (kaleido) that a self-hosted server may not
have; these small line and bar charts need nothing but Pillow, so a scheduled report
renders the same on any machine. Each function returns PNG bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1400, 620
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 120, 40, 80, 110
PALETTE = (
    "#6E56CF",
    "#E5484D",
    "#30A46C",
    "#F76B15",
    "#0090FF",
    "#D6409F",
    "#978365",
    "#12A594",
)
GRID = "#E4E4E7"
TEXT = "#27272A"
MUTED = "#71717A"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def palette(accent: str) -> list[str]:
    """The brand's colour first, then the default series colours."""
    return [accent, *[c for c in PALETTE if c.lower() != accent.lower()]]


def _short(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if magnitude >= 10_000:
        return f"{value / 1_000:.0f}k"
    if magnitude >= 1_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _nice_max(value: float) -> float:
    """A round axis top (1, 2, 2.5, 5 × 10ⁿ) at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * exponent >= value:
            return float(step * exponent)
    return float(10 * exponent)


def _canvas(title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN_LEFT, 24), title, fill=TEXT, font=_font(30))
    return image, draw


def _axes(draw: ImageDraw.ImageDraw, top: float) -> None:
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    for i in range(5):
        y = MARGIN_TOP + plot_h - plot_h * i / 4
        draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID, width=2)
        label = _short(top * i / 4)
        width = draw.textlength(label, font=_font(20))
        draw.text((MARGIN_LEFT - 12 - width, y - 12), label, fill=MUTED, font=_font(20))


def _legend(draw: ImageDraw.ImageDraw, names: Sequence[str], colors: Sequence[str]) -> None:
    x = MARGIN_LEFT
    y = HEIGHT - 40
    for name, color in zip(names, colors, strict=False):
        draw.rectangle([x, y + 4, x + 18, y + 22], fill=color)
        draw.text((x + 26, y), name, fill=TEXT, font=_font(20))
        x += 52 + int(draw.textlength(name, font=_font(20)))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def empty_chart(title: str, reason: str) -> bytes:
    """A chart-sized panel that says plainly why there is nothing to draw."""
    image, draw = _canvas(title)
    draw.text((MARGIN_LEFT, HEIGHT // 2 - 14), reason, fill=MUTED, font=_font(24))
    return _png(image)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    colors: Sequence[str] = PALETTE,
) -> bytes:
    """One line per series over shared x labels (days); gaps where a value is None."""
    if not x_labels or not series:
        return empty_chart(title, "No data in this period.")
    image, draw = _canvas(title)
    values = [v for points in series.values() for v in points if v is not None]
    top = _nice_max(max(values, default=0))
    _axes(draw, top)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)
    every = max(1, len(x_labels) // 8)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            x = MARGIN_LEFT + step * i
            draw.text((x - 30, HEIGHT - MARGIN_BOTTOM + 10), label, fill=MUTED, font=_font(18))
    for (_name, points), color in zip(series.items(), colors, strict=False):
        segment: list[tuple[float, float]] = []
        for i, value in enumerate(points):
            if value is None:
                if len(segment) > 1:
                    draw.line(segment, fill=color, width=4)
                segment = []
                continue
            segment.append((MARGIN_LEFT + step * i, MARGIN_TOP + plot_h - plot_h * value / top))
        if len(segment) > 1:
            draw.line(segment, fill=color, width=4)
        elif len(segment) == 1:
            x, y = segment[0]
            draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=color)
    _legend(draw, list(series), colors)
    return _png(image)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    colors: Sequence[str] = PALETTE,
) -> bytes:
    """Grouped bars: one group per category, one bar per series."""
    if not categories or not series:
        return empty_chart(title, "No data in this period.")
    image, draw = _canvas(title)
    values = [v for points in series.values() for v in points if v is not None]
    top = _nice_max(max(values, default=0))
    _axes(draw, top)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    group_w = plot_w / len(categories)
    bar_w = group_w * 0.7 / len(series)
    for g, category in enumerate(categories):
        x0 = MARGIN_LEFT + group_w * g + group_w * 0.15
        for s, ((_name, points), color) in enumerate(zip(series.items(), colors, strict=False)):
            value = points[g] if g < len(points) else None
            if not value:
                continue
            height = plot_h * value / top
            left = x0 + bar_w * s
            draw.rectangle(
                [left, MARGIN_TOP + plot_h - height, left + bar_w - 4, MARGIN_TOP + plot_h],
                fill=color,
            )
        width = draw.textlength(category, font=_font(20))
        draw.text(
            (x0 + group_w * 0.35 - width / 2, HEIGHT - MARGIN_BOTTOM + 10),
            category,
            fill=MUTED,
            font=_font(20),
        )
    _legend(draw, list(series), colors)
    return _png(image)
