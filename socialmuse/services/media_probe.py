"""What a file is and how it looks small: sniffing, dimensions, durations and thumbnails.

Types come from the bytes, never the name or the browser's claim. Images and GIFs (first
frame) are decoded with Pillow, which also proves they are real pictures; videos and PDFs get
a neutral generated poster carrying the file's facts, because there is no ffmpeg to grab a
frame (and shelling out to one is not an option). MP4/QuickTime duration and frame size are
read from the ``mvhd`` and ``tkhd`` boxes (ISO/IEC 14496-12 §8.2.2, §8.3.2).
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from socialmuse.services.errors import ValidationError
from socialmuse.services.validation import UNKNOWN_TYPE, sniff_content_type

PDF = "application/pdf"
THUMB_SIZE = (480, 480)
POSTER_SIZE = (480, 270)
THUMB_TYPE = "image/jpeg"
# Refuse decompression bombs: 60 megapixels is far beyond what any network accepts.
MAX_PIXELS = 60_000_000

TYPE_LABELS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
    PDF: "PDF",
}


def sniff(data: bytes) -> str:
    """The content type the first bytes show: the library's images, videos and PDFs."""
    if data[:1024].lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return PDF
    return sniff_content_type(data[:16]) if data else UNKNOWN_TYPE


@dataclass(frozen=True)
class Probe:
    """Facts about one file, and its thumbnail as JPEG bytes."""

    width: int | None
    height: int | None
    duration_ms: int | None
    thumbnail: bytes
    pages: int | None = None


def human_size(n: int) -> str:
    """``2.4 MB``-style sizes, for posters and messages."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{int(size)} bytes"
            return f"{size:.1f}".removesuffix(".0") + f" {unit}"
        size /= 1024
    return f"{n} bytes"


def duration_label(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}".removeprefix("0:")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white, so transparent PNGs and GIFs do not turn black as JPEG."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def probe_image(data: bytes, filename: str) -> Probe:
    """Decode an image (a GIF's first frame); ValidationError when it is not a readable one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    f"{filename} is {image.width}×{image.height} pixels; the library accepts "
                    f"pictures up to {MAX_PIXELS // 1_000_000} megapixels.",
                    field="file",
                )
            image.seek(0)
            upright = ImageOps.exif_transpose(image)
            width, height = upright.size
            small = _flatten(upright)
            small.thumbnail(THUMB_SIZE)
            return Probe(width=width, height=height, duration_ms=None, thumbnail=_jpeg(small))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            f"{filename} looks like an image but cannot be read; it may be damaged. "
            "Export it again and upload the new file.",
            field="file",
        ) from None


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, body start, body end) of each box between ``start`` and ``end``."""
    found = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        found.append((kind, pos + header, pos + size))
        pos += size
    return found


def probe_mp4(data: bytes) -> tuple[int | None, int | None, int | None]:
    """(width, height, duration in ms) from the movie header and the first visual track."""
    width = height = duration = None
    for kind, start, end in _boxes(data, 0, len(data)):
        if kind != b"moov":
            continue
        for child, cstart, cend in _boxes(data, start, end):
            if child == b"mvhd" and cend - cstart >= 32:
                version = data[cstart]
                if version == 1:
                    timescale, length = struct.unpack(">IQ", data[cstart + 20 : cstart + 32])
                else:
                    timescale, length = struct.unpack(">II", data[cstart + 12 : cstart + 20])
                if timescale:
                    duration = round(length * 1000 / timescale)
            if child == b"trak" and width is None:
                for leaf, lstart, lend in _boxes(data, cstart, cend):
                    if leaf == b"tkhd" and lend - lstart >= 84:
                        w, h = struct.unpack(">II", data[lend - 8 : lend])
                        if w >> 16 and h >> 16:
                            width, height = w >> 16, h >> 16
    return width, height, duration


def pdf_pages(data: bytes) -> int | None:
    """Page count from the page objects (a good guess without a PDF library)."""
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    return count or None


def poster(label: str, filename: str, details: list[str]) -> bytes:
    """A calm grey card: the kind (``MP4 video``), the file name and its facts."""
    image = Image.new("RGB", POSTER_SIZE, (232, 232, 236))
    draw = ImageDraw.Draw(image)
    big = ImageFont.load_default(size=26)
    small = ImageFont.load_default(size=17)
    cx, cy = POSTER_SIZE[0] // 2, 92
    draw.ellipse((cx - 38, cy - 38, cx + 38, cy + 38), fill=(90, 90, 104))
    if label.endswith("video"):
        draw.polygon([(cx - 12, cy - 20), (cx - 12, cy + 20), (cx + 22, cy)], fill="white")
    else:
        draw.rectangle((cx - 15, cy - 20, cx + 15, cy + 20), outline="white", width=4)
    draw.text((cx, 158), label, font=big, fill=(40, 40, 48), anchor="mm")
    name = filename if len(filename) <= 44 else filename[:41] + "…"
    draw.text((cx, 192), name, font=small, fill=(60, 60, 70), anchor="mm")
    draw.text((cx, 222), " · ".join(details), font=small, fill=(90, 90, 100), anchor="mm")
    return _jpeg(image)


def _undecodable_image(data: bytes, content_type: str, filename: str) -> Probe:
    """The header's size (when it gives one) and a poster, for an image Pillow cannot decode."""
    width = height = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        pass
    details = [human_size(len(data))]
    if width and height:
        details.append(f"{width}×{height}")
    label = f"{TYPE_LABELS.get(content_type, 'Image')} image"
    return Probe(width, height, None, poster(label, filename, details))


def probe(data: bytes, content_type: str, filename: str, *, strict: bool = True) -> Probe:
    """Dimensions, duration and a thumbnail for any supported type.

    ``strict``: an image that does not decode is refused (the library's door); otherwise it
    gets a poster, for doors that checked the file against the network's rules already.
    """
    if content_type.startswith("image/"):
        try:
            return probe_image(data, filename)
        except ValidationError:
            if strict:
                raise
            return _undecodable_image(data, content_type, filename)
    label = TYPE_LABELS.get(content_type, "File")
    if content_type.startswith("video/"):
        width, height, duration = probe_mp4(data)
        details = [human_size(len(data))]
        if width and height:
            details.append(f"{width}×{height}")
        if duration is not None:
            details.append(duration_label(duration))
        return Probe(width, height, duration, poster(f"{label} video", filename, details))
    pages = pdf_pages(data)
    details = [human_size(len(data))]
    if pages:
        details.append(f"{pages} page{'s' if pages != 1 else ''}")
    return Probe(None, None, None, poster(f"{label} document", filename, details), pages=pages)
