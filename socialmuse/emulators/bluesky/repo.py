"""``com.atproto.repo.*``: record writes (validated, rate-limited in points) and reads.

Faithful to the reference PDS where it matters for retries (contracts §8.8, §13):
``putRecord`` of a byte-identical record at the same rkey is a no-op returning the same
uri/cid (no commit); ``createRecord`` at a used rkey fails with a bare 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.bluesky.ids import blob_cid, is_tid, record_cid
from socialmuse.emulators.bluesky.records import POST, InvalidRecord, validate_post
from socialmuse.emulators.bluesky.state import Account, StoredRecord

if TYPE_CHECKING:
    from socialmuse.emulators.bluesky.emulator import BlueskyEmulator

BLOB_UPLOAD_LIMIT = 5_000_000
POINTS = {"create": 3, "update": 2, "delete": 1}


def routes(emu: BlueskyEmulator) -> list[BaseRoute]:
    from socialmuse.emulators.bluesky.emulator import xrpc_error

    async def writer(
        request: Request, points: int
    ) -> tuple[Account, dict[str, Any], dict[str, str]] | Response:
        account = emu.authenticate(request)
        if not isinstance(account, Account):
            return account or xrpc_error(401, "AuthMissing", "Authentication Required")
        allowed, headers = emu.charge_write(account.did, points)
        if not allowed:
            return xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded", headers)
        body = await request.json()
        if body.get("repo") not in (account.did, account.handle):
            return xrpc_error(400, "InvalidRequest", "Invalid repo", headers)
        return account, body, headers

    def find_blob(cid: str) -> tuple[str, int] | None:
        blob = emu.store.blobs.get(cid)
        return (blob[0], len(blob[1])) if blob else None

    def check(collection: str, record: dict[str, Any], headers: dict[str, str]) -> Response | None:
        if collection == POST:
            try:
                validate_post(record, find_blob)
            except InvalidRecord as exc:
                return xrpc_error(400, exc.error, str(exc), headers)
        return None

    def written(stored: StoredRecord, headers: dict[str, str], commit: bool = True) -> Response:
        body: dict[str, Any] = {"uri": stored.uri, "cid": stored.cid, "validationStatus": "valid"}
        if commit:
            body["commit"] = {
                "cid": record_cid({"rev": stored.indexed_at, "data": stored.cid}),
                "rev": emu.next_tid(),
            }
        return JSONResponse(body, headers=headers)

    async def create_record(request: Request) -> Response:
        got = await writer(request, POINTS["create"])
        if isinstance(got, Response):
            return got
        account, body, headers = got
        collection, record = str(body.get("collection", "")), body.get("record")
        if not isinstance(record, dict):
            return xrpc_error(400, "InvalidRequest", "Input/record must be an object", headers)
        problem = check(collection, record, headers)
        if problem:
            return problem
        rkey = str(body.get("rkey") or emu.next_tid())
        with emu.lock:
            if emu.store.record(account.did, collection, rkey):
                return xrpc_error(500, "InternalServerError", "Internal Server Error", headers)
            stored = StoredRecord.make(account.did, collection, rkey, record, emu.iso_now())
            emu.store.records[(account.did, collection, rkey)] = stored
        return written(stored, headers)

    async def put_record(request: Request) -> Response:
        got = await writer(request, POINTS["update"])
        if isinstance(got, Response):
            return got
        account, body, headers = got
        collection, rkey, record = (
            str(body.get("collection", "")),
            body.get("rkey"),
            body.get("record"),
        )
        if not isinstance(rkey, str) or not rkey or (collection == POST and not is_tid(rkey)):
            return xrpc_error(
                400,
                "InvalidRequest",
                f'Invalid record key for {collection}: Invalid TID string (got "{rkey}") at $',
                headers,
            )
        if not isinstance(record, dict):
            return xrpc_error(400, "InvalidRequest", "Input/record must be an object", headers)
        problem = check(collection, record, headers)
        if problem:
            return problem
        with emu.lock:
            current = emu.store.record(account.did, collection, rkey)
            if "swapRecord" in body and (current.cid if current else None) != body["swapRecord"]:
                return xrpc_error(
                    400,
                    "InvalidSwap",
                    f"Record was at {current.cid if current else 'null'}",
                    headers,
                )
            if current is not None and current.same_bytes(record):
                return written(current, headers, commit=False)
            stored = StoredRecord.make(account.did, collection, rkey, record, emu.iso_now())
            if current is not None:
                stored.counts = current.counts
            emu.store.records[(account.did, collection, rkey)] = stored
        return written(stored, headers)

    async def delete_record(request: Request) -> Response:
        got = await writer(request, POINTS["delete"])
        if isinstance(got, Response):
            return got
        account, body, headers = got
        key = (account.did, str(body.get("collection", "")), str(body.get("rkey", "")))
        with emu.lock:
            if emu.store.records.pop(key, None) is None:
                return JSONResponse({}, headers=headers)
        return JSONResponse(
            {"commit": {"cid": record_cid({"deleted": list(key)}), "rev": emu.next_tid()}},
            headers=headers,
        )

    async def get_record(request: Request) -> Response:
        q = request.query_params
        with emu.lock:
            account = emu.store.find_account(q.get("repo", ""))
            stored = account and emu.store.record(
                account.did, q.get("collection", ""), q.get("rkey", "")
            )
        if not stored:
            uri = f"at://{q.get('repo')}/{q.get('collection')}/{q.get('rkey')}"
            return xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return JSONResponse({"uri": stored.uri, "cid": stored.cid, "value": stored.value})

    async def list_records(request: Request) -> Response:
        q = request.query_params
        limit = min(int(q.get("limit", "50")), 100)
        with emu.lock:
            account = emu.store.find_account(q.get("repo", ""))
            if account is None:
                return xrpc_error(400, "InvalidRequest", f"Could not find repo: {q.get('repo')}")
            found = sorted(
                (
                    r
                    for r in emu.store.records.values()
                    if r.did == account.did and r.collection == q.get("collection")
                ),
                key=lambda r: r.rkey,
                reverse=q.get("reverse") != "true",
            )
        cursor = q.get("cursor")
        if cursor:
            found = [
                r
                for r in found
                if (r.rkey > cursor if q.get("reverse") == "true" else r.rkey < cursor)
            ]
        page = found[:limit]
        body: dict[str, Any] = {
            "records": [{"uri": r.uri, "cid": r.cid, "value": r.value} for r in page]
        }
        if len(found) > limit:
            body["cursor"] = page[-1].rkey
        return JSONResponse(body)

    async def upload_blob(request: Request) -> Response:
        account = emu.authenticate(request)
        if not isinstance(account, Account):
            return account or xrpc_error(401, "AuthMissing", "Authentication Required")
        mime = request.headers.get("content-type", "application/octet-stream").split(";")[0]
        if mime.startswith("multipart/"):
            return xrpc_error(400, "InvalidRequest", "Blob must be sent as the raw request body")
        data = await request.body()
        if len(data) > BLOB_UPLOAD_LIMIT:
            return xrpc_error(413, "PayloadTooLarge", "request entity too large")
        cid = blob_cid(data)
        with emu.lock:
            emu.store.blobs[cid] = (mime, data)
        return JSONResponse(
            {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(data)}}
        )

    prefix = "/xrpc/com.atproto.repo."
    return [
        Route(prefix + "createRecord", create_record, methods=["POST"]),
        Route(prefix + "putRecord", put_record, methods=["POST"]),
        Route(prefix + "deleteRecord", delete_record, methods=["POST"]),
        Route(prefix + "getRecord", get_record, methods=["GET"]),
        Route(prefix + "listRecords", list_records, methods=["GET"]),
        Route(prefix + "uploadBlob", upload_blob, methods=["POST"]),
    ]
