"""Real files for media tests (built with Pillow, so sniffing and decoding see the real thing)
and an S3-compatible server (moto in server mode) with settings pointing at it."""

from __future__ import annotations

import io
import os
import socket
import struct
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

from socialmuse.settings import get_settings

BUCKET = "socialmuse-media"


def png(width: int = 64, height: int = 48, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def unique_png() -> bytes:
    """A picture no other test stores (tests share one data directory)."""
    import secrets

    return png(color=f"#{secrets.token_hex(3)}")


def jpeg(width: int = 40, height: int = 30, color: str = "blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def gif(width: int = 20, height: int = 10) -> bytes:
    frames = [Image.new("P", (width, height), c) for c in (1, 2)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def mp4(width: int = 1280, height: int = 720, seconds: int = 12) -> bytes:
    """A minimal MP4: ftyp, and moov with mvhd (duration) and a track header (frame size)."""
    mvhd = bytes(4) + bytes(8) + struct.pack(">II", 1000, seconds * 1000) + bytes(80)
    tkhd = bytes(4) + bytes(72) + struct.pack(">II", width << 16, height << 16)
    moov = _box(b"moov", _box(b"mvhd", mvhd) + _box(b"trak", _box(b"tkhd", tkhd)))
    return _box(b"ftyp", b"isom\x00\x00\x02\x00isommp41") + moov + _box(b"mdat", b"\x00" * 64)


def pdf(pages: int = 2) -> bytes:
    body = b"".join(b"<< /Type /Page >>\n" for _ in range(pages))
    return b"%PDF-1.4\n<< /Type /Pages >>\n" + body + b"%%EOF\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def settings_env(**values: str) -> Iterator[None]:
    """Set SOCIALMUSE_* variables for a block, then restore them (settings are re-read)."""
    names = {f"SOCIALMUSE_{k.upper()}": v for k, v in values.items()}
    before = {k: os.environ.get(k) for k in names}
    os.environ.update(names)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, old in before.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
        get_settings.cache_clear()


@contextmanager
def moto_s3() -> Iterator[str]:
    """An S3-compatible server on a free loopback port, with the bucket created."""
    from moto.server import ThreadedMotoServer

    from socialmuse.services.storage import s3_client

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = s3_client(
            endpoint_url=endpoint, access_key_id="testing", secret_access_key="testing"
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


def s3_settings(endpoint: str, **extra: str) -> dict[str, str]:
    return {
        "storage_backend": "s3",
        "s3_endpoint_url": endpoint,
        "s3_bucket": BUCKET,
        "s3_region": "us-east-1",
        "s3_access_key_id": "testing",
        "s3_secret_access_key": "testing",
        **extra,
    }
