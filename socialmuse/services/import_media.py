"""Media named in a CSV import row: a library file, a local path, or a URL to download.

Each door says what it trusts (``MediaSources``): the command line (an operator who can read
the disk anyway) may name local paths and fetch from private addresses; the web page may not,
so a team member cannot make the server read its own files or probe the internal network.
Downloads are capped in size and time, and every file's type is read from its first bytes,
never from its name or the server's Content-Type.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from sqlmodel import Session

from socialmuse.models import MediaAsset
from socialmuse.platforms.base import MediaFile
from socialmuse.services.media import asset_files
from socialmuse.services.validation import UNKNOWN_TYPE, sniff_content_type

MB = 1024 * 1024
MAX_DOWNLOAD_BYTES = 200 * MB
DOWNLOAD_TIMEOUT_S = 30.0
SUPPORTED = "JPEG, PNG, GIF, WEBP, MP4 or MOV"
_LIBRARY = re.compile(r"^media:(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class MediaSources:
    """Where an import may take media from.

    ``local_dir``: local paths are allowed (relative ones are read from here); ``None`` refuses
    them. ``allow_private_urls``: URLs may point at loopback or private addresses.
    """

    local_dir: Path | None = None
    allow_private_urls: bool = False
    max_download_bytes: int = MAX_DOWNLOAD_BYTES
    timeout_s: float = DOWNLOAD_TIMEOUT_S


class MediaProblem(Exception):
    """One media item of a row cannot be used; ``message`` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowMedia:
    """A media item ready for the post: a fetched file to store, or a library asset."""

    label: str
    file: MediaFile
    asset_id: int | None = None


def fetch(
    session: Session,
    *,
    organization_id: int,
    brand_id: int,
    token: str,
    alt_text: str,
    sources: MediaSources,
    workdir: Path,
) -> RowMedia:
    """The media item ``token`` names, checked to be an image or video we can post."""
    library = _LIBRARY.match(token)
    if library:
        return _library(session, organization_id, brand_id, int(library.group(1)), token, alt_text)
    if token.lower().startswith(("http://", "https://")):
        return RowMedia(label=token, file=_download(token, alt_text, sources, workdir))
    if "://" in token:
        raise MediaProblem(f"{token}: only http:// and https:// links can be downloaded.")
    return RowMedia(label=token, file=_local(token, alt_text, sources))


def _library(
    session: Session, organization_id: int, brand_id: int, asset_id: int, token: str, alt: str
) -> RowMedia:
    asset = session.get(MediaAsset, asset_id)
    if (
        asset is None
        or asset.organization_id != organization_id
        or (asset.brand_id is not None and asset.brand_id != brand_id)
    ):
        raise MediaProblem(f"{token}: there is no media library file with id {asset_id}.")
    if asset.archived_at is not None:
        raise MediaProblem(f"{token} ({asset.filename}) is archived; restore it first.")
    if alt and alt != asset.alt_text:
        raise MediaProblem(
            f"{token} ({asset.filename}) already has its alt text in the media library; "
            "change it there, or leave its alt_text empty here."
        )
    [file] = asset_files(session, [asset_id])
    return RowMedia(label=token, file=file, asset_id=asset_id)


def _checked(path: Path, label: str, alt_text: str) -> MediaFile:
    with path.open("rb") as handle:
        head = handle.read(16)
    content_type = sniff_content_type(head)
    if content_type == UNKNOWN_TYPE:
        raise MediaProblem(f"{label} is not a supported image or video ({SUPPORTED}).")
    return MediaFile(
        path=path, content_type=content_type, size_bytes=path.stat().st_size, alt_text=alt_text
    )


def _local(token: str, alt_text: str, sources: MediaSources) -> MediaFile:
    if sources.local_dir is None:
        raise MediaProblem(
            f"{token}: local file paths can only be imported from the command line; "
            "use an http(s) link or a media library file (media:ID)."
        )
    path = Path(token).expanduser()
    if not path.is_absolute():
        path = sources.local_dir / path
    if not path.is_file():
        raise MediaProblem(f"{token}: there is no file at {path}.")
    return _checked(path, token, alt_text)


def _file_name(url: str, number: int) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._")[:120]
    return name or f"download-{number}"


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n:,} bytes"


def _refuse_private(host: str) -> None:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise MediaProblem(f"The host {host} cannot be found.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise MediaProblem(
                f"{host} is a private or local address; media can only be downloaded from "
                "the public internet here."
            )


def _download(url: str, alt_text: str, sources: MediaSources, workdir: Path) -> MediaFile:
    """Stream ``url`` to a file in ``workdir``, stopping at the size cap."""
    folder = workdir / f"download-{sum(1 for _ in workdir.iterdir())}"
    folder.mkdir()
    target = folder / _file_name(url, 1)
    cap = sources.max_download_bytes

    def check_host(request: httpx.Request) -> None:
        if not sources.allow_private_urls:
            _refuse_private(request.url.host)

    try:
        with (
            httpx.Client(
                timeout=sources.timeout_s,
                follow_redirects=True,
                max_redirects=5,
                event_hooks={"request": [check_host]},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise MediaProblem(f"{url} could not be downloaded (HTTP {response.status_code}).")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise MediaProblem(f"{url} is larger than the {_size(cap)} download limit.")
            size = 0
            with target.open("wb") as out:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise MediaProblem(f"{url} is larger than the {_size(cap)} download limit.")
                    out.write(chunk)
    except httpx.TimeoutException:
        raise MediaProblem(f"{url} did not answer within {sources.timeout_s:g} seconds.") from None
    except httpx.InvalidURL:
        raise MediaProblem(f"{url} is not a valid link.") from None
    except httpx.HTTPError as exc:
        raise MediaProblem(f"{url} could not be downloaded ({exc}).") from None
    return _checked(target, url, alt_text)
