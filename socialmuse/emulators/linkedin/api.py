"""REST routes: posts (create, read, delete, by author), images, and organization roles.

Keys in paths are URL-encoded URNs (``/rest/posts/urn%3Ali%3Ashare%3A7…``); Starlette hands
them over decoded. A created post answers 201 with an empty body and its URN in
``x-restli-id``; lists answer ``{"elements": [...], "paging": {start, count, total}}``.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.linkedin.gate import ApiError, Caller, denied
from socialmuse.emulators.linkedin.posts import create_post
from socialmuse.emulators.linkedin.social import social_routes
from socialmuse.emulators.linkedin.state import Image, Post, epoch_ms, post_json

if TYPE_CHECKING:
    from socialmuse.emulators.linkedin.emulator import LinkedInEmulator


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} does not exist", service_code=100, code="NOT_FOUND")


def paged(request: Request, rows: list[dict[str, Any]]) -> JSONResponse:
    start = max(0, int(request.query_params.get("start", 0)))
    count = max(1, min(int(request.query_params.get("count", 10)), 100))
    return JSONResponse(
        {
            "elements": rows[start : start + count],
            "paging": {"start": start, "count": count, "links": [], "total": len(rows)},
        }
    )


async def json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def api_routes(emulator: LinkedInEmulator) -> list[BaseRoute]:
    def live_post(urn: str) -> Post:
        post = emulator.posts.get(urn)
        if post is None or post.deleted_at is not None:
            raise not_found(f"Post {urn}")
        return post

    async def create(request: Request, caller: Caller) -> Response:
        post = create_post(emulator, caller, await json_body(request))
        return Response(status_code=201, headers={"x-restli-id": post.urn})

    async def get_post(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            post = live_post(request.path_params["urn"])
            emulator.require_reader(caller, post.author, "posts.GET")
            return JSONResponse(post_json(post))

    async def delete_post(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            post = live_post(request.path_params["urn"])
            emulator.require_author(caller, post.author, "posts.DELETE")
            post.deleted_at = emulator.now()
        return Response(status_code=204)

    async def by_author(request: Request, caller: Caller) -> Response:
        q = request.query_params
        if q.get("q") != "author" or not q.get("author"):
            raise ApiError(400, "The finder needs q=author and author=<URN>", code="INVALID_PARAM")
        with emulator.lock:
            emulator.require_reader(caller, q["author"], "posts.FINDER-author")
            rows = sorted(
                (
                    p
                    for p in emulator.posts.values()
                    if p.author == q["author"] and p.deleted_at is None
                ),
                key=lambda p: int(p.urn.rsplit(":", 1)[1]),
                reverse=True,
            )
            return paged(request, [post_json(p) for p in rows])

    async def initialize_upload(request: Request, caller: Caller) -> Response:
        if request.query_params.get("action") != "initializeUpload":
            raise ApiError(400, "Unsupported action", code="INVALID_PARAM")
        body = await json_body(request) or {}
        owner = str((body.get("initializeUploadRequest") or {}).get("owner") or "")
        with emulator.lock:
            emulator.require_author(caller, owner, "images.ACTION-initializeUpload")
            image = Image(
                urn=f"urn:li:image:D4E10AQ{secrets.token_urlsafe(12)}",
                owner=owner,
                upload_token=secrets.token_urlsafe(24),
            )
            emulator.images[image.urn] = image
            expires = epoch_ms(emulator.now()) + 24 * 3600 * 1000
        return JSONResponse(
            {
                "value": {
                    "uploadUrlExpiresAt": expires,
                    "uploadUrl": f"{emulator.base_url}/dms-uploads/{image.upload_token}",
                    "image": image.urn,
                }
            }
        )

    async def upload_bytes(request: Request) -> Response:
        data = await request.body()
        with emulator.lock:
            try:
                emulator.authenticate(request)
            except ApiError as exc:
                return exc.response()
            token = request.path_params["token"]
            image = next((i for i in emulator.images.values() if i.upload_token == token), None)
            if image is None or image.status != "WAITING_UPLOAD":
                return JSONResponse({"status": 404, "message": "Upload not found"}, 404)
            if not data:
                return JSONResponse({"status": 400, "message": "Empty upload"}, 400)
            image.size = len(data)
            image.polls_left = emulator.image_polls
            image.status = "PROCESSING" if image.polls_left else "AVAILABLE"
        return Response(status_code=201)

    async def get_image(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            image = emulator.images.get(request.path_params["urn"])
            if image is None:
                raise not_found(f"Image {request.path_params['urn']}")
            emulator.require_author(caller, image.owner, "images.GET")
            body = {"id": image.urn, "owner": image.owner, "status": image.status}
            if image.status == "PROCESSING":
                image.polls_left -= 1
                if image.polls_left <= 0:
                    image.status = "AVAILABLE"
            elif image.status == "AVAILABLE":
                body["downloadUrl"] = f"{emulator.base_url}/dms/image/{image.upload_token}"
        return JSONResponse(body)

    async def organization_acls(request: Request, caller: Caller) -> Response:
        if request.query_params.get("q") != "roleAssignee":
            raise ApiError(400, "The finder needs q=roleAssignee", code="INVALID_PARAM")
        scopes = set(caller.token.scopes)
        if not {"rw_organization_admin", "w_organization_social", "r_organization_social"} & scopes:
            raise denied("organizationAcls.FINDER-roleAssignee")
        wanted = request.query_params.get("role")
        with emulator.lock:
            rows = [
                {
                    "roleAssignee": caller.member.urn,
                    "role": org.roles[caller.member.id],
                    "organization": org.urn,
                    "state": "APPROVED",
                }
                for org in emulator.organizations.values()
                if caller.member.id in org.roles and wanted in (None, org.roles[caller.member.id])
            ]
        return paged(request, rows)

    async def organization(request: Request, caller: Caller) -> Response:
        org = emulator.organizations.get(request.path_params["id"])
        if org is None:
            raise not_found(f"Organization {request.path_params['id']}")
        return JSONResponse(
            {"id": int(org.id), "localizedName": org.name, "vanityName": org.vanity_name}
        )

    e = emulator.endpoint
    return [
        Route("/rest/posts", e(create, "posts.create"), methods=["POST"]),
        Route("/rest/posts", e(by_author, "posts.finder"), methods=["GET"]),
        Route("/rest/posts/{urn}", e(get_post, "posts.get"), methods=["GET"]),
        Route("/rest/posts/{urn}", e(delete_post, "posts.delete"), methods=["DELETE"]),
        Route("/rest/images", e(initialize_upload, "images.initialize"), methods=["POST"]),
        Route("/rest/images/{urn}", e(get_image, "images.get"), methods=["GET"]),
        Route("/dms-uploads/{token}", upload_bytes, methods=["PUT"]),
        Route("/rest/organizationAcls", e(organization_acls, "acls.finder"), methods=["GET"]),
        Route("/rest/organizations/{id}", e(organization, "organizations.get"), methods=["GET"]),
        *social_routes(emulator),
    ]
