"""How the media page and the media picker turn services' answers into plain rows.

Rows are dicts of strings (state holds view data only); URLs are the signed, expiring links
the service made, refreshed on every load.
"""

from __future__ import annotations

from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.models.enums import MediaKind
from socialmuse.services.media_library import MediaAssetPublic, PostUse
from socialmuse.services.media_probe import duration_label
from socialmuse.state.post_labels import POST_STATUS_LABELS

KIND_LABELS = {
    MediaKind.IMAGE: "Image",
    MediaKind.GIF: "GIF",
    MediaKind.VIDEO: "Video",
    MediaKind.DOCUMENT: "PDF",
}
KIND_FILTERS = [("all", "All kinds"), *[(k.value, KIND_LABELS[k]) for k in MediaKind]]


def _facts(asset: MediaAssetPublic) -> str:
    parts = [asset.type_label, asset.size_label]
    if asset.width and asset.height:
        parts.append(f"{asset.width}×{asset.height}")
    if asset.duration_ms is not None:
        parts.append(duration_label(asset.duration_ms))
    return " · ".join(parts)


def asset_row(asset: MediaAssetPublic) -> dict[str, str]:
    used = asset.used_in
    return {
        "id": str(asset.id),
        "filename": asset.filename,
        "kind": asset.kind.value,
        "kind_label": KIND_LABELS[asset.kind],
        "facts": _facts(asset),
        "alt_text": asset.alt_text,
        "has_alt": "yes" if asset.alt_text else "",
        "folder": asset.folder,
        "tags": ", ".join(asset.tags),
        "url": asset.url,
        "thumb": asset.thumbnail_url,
        "used_in": str(used),
        "used_label": f"Used in {used} post{'s' if used != 1 else ''}" if used else "Not used yet",
        "archived": "yes" if asset.archived else "",
    }


def use_row(use: PostUse) -> dict[str, str]:
    return {
        "post_id": str(use.post_id),
        "href": routes.post_path(use.post_id),
        "excerpt": use.excerpt or "(no text)",
        "status": POST_STATUS_LABELS.get(use.status, use.status.value),
        "pending": "yes" if use.pending else "",
    }


def upload_result(filename: str, *, ok: bool, message: str) -> dict[str, str]:
    return {"filename": filename, "ok": "yes" if ok else "", "message": message}


def upload_toast(results: list[dict[str, str]]) -> EventSpec | None:
    """One summary toast; per-file messages stay on screen beside the upload area."""
    import reflex as rx

    good = sum(1 for r in results if r["ok"])
    bad = len(results) - good
    if not results:
        return None
    if bad == 0:
        return rx.toast.success(f"Uploaded {good} file{'s' if good != 1 else ''}.")
    if good == 0:
        return rx.toast.error(f"{bad} file{'s were' if bad != 1 else ' was'} refused.")
    return rx.toast.warning(
        f"Uploaded {good} file{'s' if good != 1 else ''}; {bad} refused (see why below)."
    )
