"""Images for LinkedIn posts: initializeUpload, PUT the bytes, wait until AVAILABLE (§2.3).

A post that names an image still PROCESSING is refused, so the upload waits (bounded, with
an injectable sleep). An image that is never attached publishes nothing: every failure here
is Transient or Rejected, never OutcomeUnknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from socialmuse.platforms.base import AccountContext, MediaFile, Rejected, Transient
from socialmuse.platforms.linkedin_api import NAME, access_token, quote_urn

if TYPE_CHECKING:
    from socialmuse.platforms.linkedin_connect import LinkedInConnect


def upload_image(
    connect: LinkedInConnect,
    account: AccountContext,
    author: str,
    media: MediaFile,
    *,
    sleep: Callable[[float], None],
) -> str:
    """The image's URN once LinkedIn has processed it."""
    request = {"initializeUploadRequest": {"owner": author}}
    started = connect._api(
        account,
        "POST",
        "/rest/images",
        "media",
        params={"action": "initializeUpload"},
        json=request,
    ).json()
    value: dict[str, Any] = started["value"]
    urn = str(value["image"])
    connect._send(
        "PUT",
        str(value["uploadUrl"]),
        access_token(account),
        "media",
        content=media.path.read_bytes(),
        headers={"Content-Type": media.content_type},
    )
    deadline = time.monotonic() + connect.media_processing_timeout
    while True:
        status = connect._api(account, "GET", f"/rest/images/{quote_urn(urn)}", "media").json()
        if status.get("status") == "AVAILABLE":
            return urn
        if status.get("status") == "PROCESSING_FAILED":
            raise Rejected(
                f"{NAME} could not process {media.path.name}. Try another JPEG, PNG or GIF.",
                code="media_failed",
                platform_message=f"status {status.get('status')}",
            )
        if time.monotonic() >= deadline:
            raise Transient(
                f"{NAME} is still processing {media.path.name}; publishing again later will retry.",
                code="media_processing",
            )
        sleep(connect.media_poll_interval)
