"""Where media bytes live: one small interface, two backends (local disk and S3-compatible).

Keys are relative, slash-separated paths chosen by ``services.media`` (``{org}/{sha256}.jpg``),
so the same key works on both backends and an asset row records which backend holds it
(``MediaAsset.storage_backend``). Every backend honours the same contract, and the same
tests run against both (tests/services/test_storage.py).

S3 goes through boto3 (https://boto3.amazonaws.com/v1/documentation/api/latest/reference/services/s3.html);
any S3-compatible server (MinIO, Ceph, R2, moto) works through ``SOCIALMUSE_S3_ENDPOINT_URL``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import quote

from socialmuse.settings import SettingsError, get_settings

CHUNK = 1 << 16


class StorageError(Exception):
    """The backend could not store or return bytes (the operator's problem, not the user's)."""


class MissingObject(StorageError, FileNotFoundError):
    """No object under that key."""


class Storage(Protocol):
    """The contract every backend keeps; keys never start with ``/`` nor contain ``..``."""

    name: str

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing what was there (atomically)."""

    def get(self, key: str) -> bytes:
        """All bytes under ``key``; MissingObject when there are none."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object (close it after use)."""

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    def size(self, key: str) -> int:
        """The object's size in bytes; MissingObject when there is none."""

    def public_url(self, key: str, *, expires_s: int) -> str | None:
        """A URL anyone may fetch for ``expires_s`` seconds, or None (then SocialMuse serves it)."""


def partial_name(name: str) -> str:
    """A temporary sibling name unique to this process and thread (renamed into place)."""
    return f".{name}.{os.getpid()}.{threading.get_ident()}.part"


def check_key(key: str) -> str:
    """Refuse keys that could escape the storage root (``..``, absolute, empty parts)."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a root directory (``DATA_DIR/media`` by default)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """Where the object lives on disk (adapters read local media straight from here)."""
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(partial_name(target.name))
        partial.write_bytes(data)
        partial.replace(target)

    def put_file(self, key: str, source: Path) -> None:
        """Copy a file in without reading it all into memory (large videos)."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(partial_name(target.name))
        shutil.copyfile(source, partial)
        partial.replace(target)

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise MissingObject(key) from None

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            raise MissingObject(key) from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise MissingObject(key) from None

    def public_url(self, key: str, *, expires_s: int) -> str | None:
        return None


class S3Storage:
    """Objects in one bucket of an S3-compatible store."""

    name = "s3"

    def __init__(self, client: Any, bucket: str, *, public_base_url: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.public_base_url = public_base_url.rstrip("/")

    def _missing(self, exc: Exception) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"S3 refused to store {key}: {exc}") from None

    def get(self, key: str) -> bytes:
        with self.open(key) as body:
            return body.read()

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise MissingObject(key) from None
            raise StorageError(f"S3 refused to read {key}: {exc}") from None
        except BotoCoreError as exc:
            raise StorageError(f"S3 did not answer for {key}: {exc}") from None
        body: BinaryIO = response["Body"]
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if self._missing(exc):
                return None
            raise StorageError(f"S3 refused to describe {key}: {exc}") from None
        except BotoCoreError as exc:
            raise StorageError(f"S3 did not answer for {key}: {exc}") from None
        return head

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise MissingObject(key)
        return int(head["ContentLength"])

    def public_url(self, key: str, *, expires_s: int) -> str | None:
        """The CDN address when one is configured, else a presigned GET."""
        if self.public_base_url:
            return f"{self.public_base_url}/{quote(check_key(key))}"
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": check_key(key)},
            ExpiresIn=expires_s,
        )
        return url


def iter_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """Read a stream in chunks and close it, for streaming responses."""
    try:
        while chunk := stream.read(CHUNK):
            yield chunk
    finally:
        stream.close()


def s3_client(
    *,
    endpoint_url: str = "",
    region: str = "us-east-1",
    access_key_id: str = "",
    secret_access_key: str = "",
) -> Any:
    """A boto3 S3 client; path-style addressing so MinIO and friends work without DNS tricks."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
        ),
    )


_lock = threading.Lock()
_cache: dict[tuple[str, ...], Storage] = {}


def local_storage() -> LocalStorage:
    return LocalStorage(get_settings().data_dir / "media")


def storage_for(name: str | None = None) -> Storage:
    """The backend called ``name`` (default: SOCIALMUSE_STORAGE_BACKEND), built from settings.

    Rows remember their backend, so media stored locally before a switch to S3 still open.
    """
    settings = get_settings()
    name = name or settings.storage_backend
    if name == "local":
        return local_storage()
    if name != "s3":
        raise SettingsError(f"unknown storage backend {name!r} (expected local or s3)")
    if not settings.s3_bucket:
        raise SettingsError("SOCIALMUSE_STORAGE_BACKEND=s3 needs SOCIALMUSE_S3_BUCKET")
    ident = (
        settings.s3_endpoint_url,
        settings.s3_bucket,
        settings.s3_region,
        settings.s3_access_key_id,
        settings.s3_secret_access_key,
        settings.s3_public_base_url,
    )
    with _lock:
        if ident not in _cache:
            client = s3_client(
                endpoint_url=settings.s3_endpoint_url,
                region=settings.s3_region,
                access_key_id=settings.s3_access_key_id,
                secret_access_key=settings.s3_secret_access_key,
            )
            _cache[ident] = S3Storage(
                client, settings.s3_bucket, public_base_url=settings.s3_public_base_url
            )
        return _cache[ident]


def default_storage() -> Storage:
    """Where new uploads go."""
    return storage_for(None)
