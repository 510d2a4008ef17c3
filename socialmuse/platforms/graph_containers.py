"""Instagram's and Threads' two-step publishing: create a container, wait, publish it.

A container shows nowhere until published, so creating one is safe to repeat (a failure
there is Transient); only the publish call can leave the outcome unknown. Waiting is a
bounded poll of the container's status with an injectable ``sleep`` (tests pass a no-op):
FINISHED → publish; ERROR/EXPIRED → Rejected with Meta's own status text; still
IN_PROGRESS after ``max_polls`` → Transient (nothing was published).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from socialmuse.platforms.base import AccountContext, MediaFile, Rejected, Transient
from socialmuse.platforms.graph import GraphApi

MediaUrl = Callable[[MediaFile], str]


@dataclass(frozen=True)
class Flavor:
    """Where Instagram and Threads differ in the same flow."""

    create_edge: str  # media | threads
    publish_edge: str  # media_publish | threads_publish
    status_fields: str
    status_key: str  # status_code | status
    error_key: str  # status | error_message


INSTAGRAM = Flavor("media", "media_publish", "status_code,status", "status_code", "status")
THREADS = Flavor("threads", "threads_publish", "status,error_message", "status", "error_message")


class Containers:
    def __init__(
        self,
        api: GraphApi,
        flavor: Flavor,
        *,
        poll_interval: float,
        max_polls: int,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = api
        self.flavor = flavor
        self.poll_interval = poll_interval
        self.max_polls = max_polls
        self.sleep = sleep

    def create(self, account: AccountContext, token: str, params: dict[str, Any]) -> str:
        url = self.api.url(
            self.api.host(account), f"{account.external_id}/{self.flavor.create_edge}"
        )
        body = self.api.request("POST", url, call="read", token=token, data=params)
        return str(body["id"])

    def wait(self, account: AccountContext, token: str, container_id: str) -> None:
        """Until FINISHED (or already PUBLISHED); Rejected on ERROR/EXPIRED."""
        network = self.api.network
        for attempt in range(self.max_polls):
            body = self.api.get(account, container_id, token, fields=self.flavor.status_fields)
            status = str(body.get(self.flavor.status_key) or "").upper()
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                said = str(body.get(self.flavor.error_key) or status)
                raise Rejected(
                    f"{network} could not process the media ({said}). Check that the image or "
                    "video meets its requirements and publish again.",
                    code=f"container_{status.lower()}",
                    platform_message=said,
                )
            if attempt + 1 < self.max_polls:
                self.sleep(self.poll_interval)
        raise Transient(
            f"{network} is still processing the media; publishing again later will retry.",
            code="media_processing",
        )

    def publish(self, account: AccountContext, token: str, container_id: str) -> str:
        """The one call that makes the post public; its failure may be OutcomeUnknown."""
        path = f"{account.external_id}/{self.flavor.publish_edge}"
        url = self.api.url(self.api.host(account), path)
        body = self.api.request(
            "POST", url, call="publish", token=token, data={"creation_id": container_id}
        )
        return str(body["id"])

    def create_and_wait(self, account: AccountContext, token: str, params: dict[str, Any]) -> str:
        container_id = self.create(account, token, params)
        self.wait(account, token, container_id)
        return container_id


def media_params(
    media: MediaFile, media_url: MediaUrl | None, network: str, *, video_type: str
) -> dict[str, str]:
    """``image_url`` or ``video_url`` (+ media type, alt text) for one file Meta will fetch."""
    if media_url is None:
        raise Rejected(
            f"{network} fetches images and videos from a public web address, and SocialMuse "
            "has none configured for media. Set the public media address in Settings.",
            code="no_media_host",
        )
    url = media_url(media)
    if media.content_type.startswith("video/"):
        return {"media_type": video_type, "video_url": url}
    params = {"media_type": "IMAGE", "image_url": url}
    if media.alt_text:
        params["alt_text"] = media.alt_text
    return params
