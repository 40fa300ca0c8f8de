"""The REST surface: URL parsing, verbs, list/watch, patch flavours and subresources.

One catch-all route hands every ``/api`` and ``/apis`` request to ``RestApi.dispatch``, which
resolves the type from the registry, checks RBAC with the verb a real server would derive, and
calls the shared write paths in ``objects.py``. Streaming subresources (``pods/exec``,
``pods/log``) are delegated to ``streaming.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.cluster.apiserver import discovery, protobuf, tables
from tests.cluster.apiserver.auth import RequestAttributes
from tests.cluster.apiserver.bodies import (
    PATCH_TYPES,
    apply_patch,
    read_body,
    require_field_manager,
    scale_of,
)
from tests.cluster.apiserver.objects import DeleteOptions
from tests.cluster.apiserver.resources import ResourceType
from tests.cluster.apiserver.selectors import (
    parse_field_selector,
    parse_label_selector,
)
from tests.cluster.apiserver.status import (
    ApiError,
    bad_request,
    conflict,
    method_not_allowed,
    not_found,
    status_object,
    unsupported_media_type,
)

if TYPE_CHECKING:
    from tests.cluster.apiserver.server import ApiServer

JSON = "application/json"


@dataclass
class Target:
    """What a resource URL names."""

    rtype: ResourceType
    namespace: str  # "" for cluster-scoped types and all-namespace collections
    name: str
    subresource: str
    watch_path: bool = False

    def attributes(self, verb: str) -> RequestAttributes:
        return RequestAttributes(
            verb, self.rtype.group, self.rtype.plural, self.subresource, self.namespace, self.name
        )


def json_response(obj: Any, status: int = 200, content_type: str = JSON) -> web.Response:
    return web.Response(
        body=json.dumps(obj, separators=(",", ":")).encode(),
        status=status,
        headers={"Content-Type": content_type},
    )


def error_response(err: ApiError) -> web.Response:
    return json_response(err.status, err.code)


class RestApi:
    def __init__(self, server: ApiServer) -> None:
        self.server = server
        self.registry = server.registry
        self.store = server.store
        self.service = server.service

    # -- routing ----------------------------------------------------------------------------

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        parts = [p for p in request.path.split("/") if p]
        if parts[0] == "api":
            group, rest = "", parts[1:]
        else:
            group, rest = (parts[1], parts[2:]) if len(parts) > 1 else ("", [])
            if len(parts) == 2:
                return self._group_document(group)
        if not rest:
            return self._root(parts[0], request)
        version, rest = rest[0], rest[1:]
        if not rest:
            doc = discovery.resource_list(self.registry, group, version)
            if doc is None:
                raise _page_not_found()
            return json_response(doc)
        target = self._target(group, version, rest)
        return await self._serve(request, target)

    def _root(self, prefix: str, request: web.Request) -> web.Response:
        accept = request.headers.get("Accept", "")
        aggregated_type = discovery.aggregated_content_type(accept)
        if aggregated_type:
            doc = discovery.aggregated(
                self.registry, core=prefix == "api", content_type=aggregated_type
            )
            return json_response(doc, content_type=aggregated_type)
        if prefix == "api":
            return json_response(discovery.api_versions(self.server.address))
        return json_response(discovery.api_group_list(self.registry))

    def _group_document(self, group: str) -> web.Response:
        doc = discovery.api_group(self.registry, group)
        if doc is None:
            raise _page_not_found()
        return json_response(doc)

    def _target(self, group: str, version: str, rest: list[str]) -> Target:
        watch_path = False
        if rest and rest[0] == "watch":
            watch_path, rest = True, rest[1:]
        namespace = ""
        if len(rest) >= 3 and rest[0] == "namespaces":
            candidate = self.registry.get(group, version, rest[2])
            if candidate is not None and candidate.namespaced:
                namespace, rest = rest[1], rest[2:]
        rtype = self.registry.get(group, version, rest[0]) if rest else None
        if rtype is None or len(rest) > 3:
            raise _page_not_found()
        if namespace and not rtype.namespaced:
            raise _page_not_found()
        name = rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        if sub and rtype.subresource(sub) is None:
            raise _page_not_found()
        return Target(rtype, namespace, name, sub, watch_path)

    # -- verbs ------------------------------------------------------------------------------

    async def _serve(self, request: web.Request, target: Target) -> web.StreamResponse:
        method = request.method
        query = request.query
        sub = target.subresource
        if sub == "exec":
            self.server.authorizer.check(target.attributes("create"))
            return await self.server.streaming.exec(request, target.namespace, target.name)
        if sub == "log":
            self._allow(target, "get", method, ("GET",))
            return await self.server.streaming.logs(request, target.namespace, target.name)
        if sub == "scale":
            return await self._scale(request, target)
        if sub not in ("", "status", "finalize"):
            raise method_not_allowed()
        if not target.name:
            if method == "GET":
                watching = target.watch_path or query.get("watch") in ("1", "true", "True")
                self.server.authorizer.check(target.attributes("watch" if watching else "list"))
                if watching:
                    return await self._watch(request, target)
                return self._list(request, target)
            if method == "POST":
                self.server.authorizer.check(target.attributes("create"))
                return await self._create(request, target)
            if method == "DELETE":
                self.server.authorizer.check(target.attributes("deletecollection"))
                return await self._delete_collection(request, target)
            raise method_not_allowed()
        if target.rtype.namespaced and not target.namespace:
            raise _page_not_found()
        verb = {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method)
        if verb is None or (sub and verb == "delete"):
            raise method_not_allowed()
        if target.watch_path:
            self.server.authorizer.check(target.attributes("watch"))
            return await self._watch(request, target)
        self.server.authorizer.check(target.attributes(verb))
        handler: dict[str, Callable[[web.Request, Target], Awaitable[web.StreamResponse]]] = {
            "get": self._get,
            "update": self._update,
            "patch": self._patch,
            "delete": self._delete,
        }
        return await handler[verb](request, target)

    def _allow(self, target: Target, verb: str, method: str, methods: tuple[str, ...]) -> None:
        if method not in methods:
            raise method_not_allowed()
        self.server.authorizer.check(target.attributes(verb))

    async def _get(self, request: web.Request, target: Target) -> web.StreamResponse:
        obj = self.service.require(target.rtype, target.namespace, target.name)
        if tables.wants_table(request.headers.get("Accept", "")):
            return json_response(
                tables.table(target.rtype, [obj], self.store.rv), content_type=tables.TABLE_TYPE
            )
        return json_response(obj)

    def _list(self, request: web.Request, target: Target) -> web.Response:
        rtype = target.rtype
        labels = parse_label_selector(request.query.get("labelSelector"))
        fields = parse_field_selector(request.query.get("fieldSelector"), rtype.group, rtype.plural)
        namespace = target.namespace if rtype.namespaced and target.namespace else None
        items = self.store.select(rtype.key, namespace, labels, fields)
        if tables.wants_table(request.headers.get("Accept", "")):
            return json_response(
                tables.table(rtype, items, self.store.rv), content_type=tables.TABLE_TYPE
            )
        if rtype.builtin:
            items = [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in items]
        return json_response(
            {
                "kind": f"{rtype.kind}List",
                "apiVersion": rtype.api_version,
                "metadata": {"resourceVersion": str(self.store.rv)},
                "items": items,
            }
        )

    async def _watch(self, request: web.Request, target: Target) -> web.StreamResponse:
        rtype = target.rtype
        query = request.query
        labels = parse_label_selector(query.get("labelSelector"))
        field_text = query.get("fieldSelector")
        if target.name:
            field_text = ",".join(filter(None, [field_text, f"metadata.name={target.name}"]))
        fields = parse_field_selector(field_text, rtype.group, rtype.plural)
        namespace = target.namespace if rtype.namespaced and target.namespace else None
        timeout = float(query["timeoutSeconds"]) if query.get("timeoutSeconds") else None
        try:
            watcher = self.store.watch(
                rtype.key, namespace, labels, fields, query.get("resourceVersion")
            )
        except ApiError as err:
            return await self._watch_error(request, err)
        initial_end = query.get("sendInitialEvents") == "true"
        as_table = tables.wants_table(request.headers.get("Accept", ""))
        response = web.StreamResponse(headers={"Content-Type": JSON})
        await response.prepare(request)
        deadline = asyncio.get_running_loop().time() + timeout if timeout else None
        try:
            if initial_end:
                await self._write_bookmark(response, rtype)
            while True:
                remaining = (
                    None if deadline is None else deadline - asyncio.get_running_loop().time()
                )
                if remaining is not None and remaining <= 0:
                    break
                try:
                    item = await asyncio.wait_for(watcher.queue.get(), remaining)
                except TimeoutError:
                    break
                if item is None:
                    break
                kind, obj = item
                if as_table:
                    obj = tables.table(rtype, [obj], int(obj["metadata"]["resourceVersion"]))
                line = json.dumps({"type": kind, "object": obj}, separators=(",", ":")) + "\n"
                await response.write(line.encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.store.unwatch(watcher)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response

    async def _write_bookmark(self, response: web.StreamResponse, rtype: ResourceType) -> None:
        bookmark = {
            "type": "BOOKMARK",
            "object": {
                "kind": rtype.kind,
                "apiVersion": rtype.api_version,
                "metadata": {
                    "resourceVersion": str(self.store.rv),
                    "annotations": {"k8s.io/initial-events-end": "true"},
                },
            },
        }
        await response.write((json.dumps(bookmark) + "\n").encode())

    async def _watch_error(self, request: web.Request, err: ApiError) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": JSON})
        await response.prepare(request)
        event = {"type": "ERROR", "object": err.status}
        await response.write((json.dumps(event) + "\n").encode())
        await response.write_eof()
        return response

    async def _create(self, request: web.Request, target: Target) -> web.Response:
        rtype = target.rtype
        if rtype.key == ("authorization.k8s.io", "selfsubjectaccessreviews"):
            if request.content_type == protobuf.MEDIA_TYPE:
                body = protobuf.decode_access_review(await request.read())
            else:
                body = await read_body(request)
            return json_response(self.server.authorizer.review(body), 201)
        body = await read_body(request)
        dry_run = bool(request.query.getall("dryRun", []))
        if target.name:
            raise method_not_allowed()
        obj = self.service.create(rtype, target.namespace, body, dry_run=dry_run)
        return json_response(obj, 201)

    async def _update(self, request: web.Request, target: Target) -> web.Response:
        body = await read_body(request)
        obj = self.service.update(
            target.rtype,
            target.namespace,
            target.name,
            body,
            subresource=target.subresource or None,
            dry_run=bool(request.query.getall("dryRun", [])),
        )
        return json_response(obj)

    async def _patch(self, request: web.Request, target: Target) -> web.Response:
        content_type = request.content_type
        if content_type not in PATCH_TYPES:
            raise unsupported_media_type(content_type)
        rtype = target.rtype
        if content_type == "application/strategic-merge-patch+json" and not rtype.builtin:
            raise unsupported_media_type(content_type)
        patch = await read_body(request)
        dry_run = bool(request.query.getall("dryRun", []))
        current = self.store.get(rtype.key, target.namespace, target.name)
        if current is None:
            if content_type == "application/apply-patch+yaml" and not target.subresource:
                require_field_manager(request)
                obj = self.service.create(rtype, target.namespace, patch, dry_run=dry_run)
                return json_response(obj, 201)
            raise not_found(rtype.plural, rtype.group, target.name)
        patched = apply_patch(content_type, current, patch, request)
        obj = self.service.update(
            rtype,
            target.namespace,
            target.name,
            patched,
            subresource=target.subresource or None,
            dry_run=dry_run,
        )
        return json_response(obj)

    async def _delete(self, request: web.Request, target: Target) -> web.Response:
        body = await read_body(request, optional=True)
        options = DeleteOptions.from_request(body, request.query)
        result = self.service.delete(target.rtype, target.namespace, target.name, options)
        return json_response(result)

    async def _delete_collection(self, request: web.Request, target: Target) -> web.Response:
        rtype = target.rtype
        body = await read_body(request, optional=True)
        options = DeleteOptions.from_request(body, request.query)
        labels = parse_label_selector(request.query.get("labelSelector"))
        fields = parse_field_selector(request.query.get("fieldSelector"), rtype.group, rtype.plural)
        namespace = target.namespace if rtype.namespaced and target.namespace else None
        deleted = []
        for obj in self.store.select(rtype.key, namespace, labels, fields):
            meta = obj["metadata"]
            with contextlib.suppress(ApiError):
                result = self.service.delete(
                    rtype, meta.get("namespace", ""), meta["name"], options
                )
                deleted.append(result if result.get("kind") == rtype.kind else obj)
        return json_response(
            {
                "kind": f"{rtype.kind}List",
                "apiVersion": rtype.api_version,
                "metadata": {"resourceVersion": str(self.store.rv)},
                "items": deleted,
            }
        )

    # -- scale --------------------------------------------------------------------------------

    async def _scale(self, request: web.Request, target: Target) -> web.Response:
        verb = {"GET": "get", "PUT": "update", "PATCH": "patch"}.get(request.method)
        if verb is None:
            raise method_not_allowed()
        self.server.authorizer.check(target.attributes(verb))
        rtype = target.rtype
        obj = self.service.require(rtype, target.namespace, target.name)
        scale = scale_of(obj)
        if verb == "get":
            return json_response(scale)
        body = await read_body(request)
        if verb == "patch":
            content_type = request.content_type
            if content_type not in PATCH_TYPES:
                raise unsupported_media_type(content_type)
            body = apply_patch(content_type, scale, body, request)
        if not isinstance(body, dict):
            raise bad_request("the body of the request was not a JSON object")
        rv = (body.get("metadata") or {}).get("resourceVersion")
        if rv and rv != obj["metadata"]["resourceVersion"]:
            raise conflict(rtype.plural, rtype.group, target.name)
        replicas = (body.get("spec") or {}).get("replicas", 0)
        updated = copy.deepcopy(obj)
        updated["spec"]["replicas"] = replicas
        result = self.service.update(rtype, target.namespace, target.name, updated)
        return json_response(scale_of(result))


def _page_not_found() -> ApiError:
    return ApiError(
        status_object(404, "NotFound", "the server could not find the requested resource", {})
    )
