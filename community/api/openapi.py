"""The OpenAPI description, generated from the routes and their marshmallow schemas."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify

from ..schemas.core import ErrorOut
from . import bp

_DOCS: dict[str, dict] = {}
_CONVERTER = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")
# Path arguments that are not ids (a draft's key is "thread:<id>" or "new:<space id>").
_STRING_ARGS = {"username", "key"}


def doc(summary: str, *, body=None, response=None, status: int = 200, many: bool = False,
        paginated: bool = False, auth: bool = False, query: list[str] | None = None,
        upload: str | None = None, form: tuple[str, ...] = ()):
    """Attach what the spec says about a view: its body and response schemas, or the
    name of the multipart field its ``upload`` comes in (and the optional text fields
    of that ``form``)."""

    def wrap(fn):
        _DOCS[f"{fn.__module__}.{fn.__name__}"] = dict(summary=summary, body=body, response=response, status=status,
                                  many=many, paginated=paginated, auth=auth, query=query or [],
                                  upload=upload, form=form)
        return fn

    return wrap


def _response(meta) -> dict:
    schema = meta["response"]
    if schema is None:
        return {"description": "Done"}
    ref = schema if isinstance(schema, str) else schema
    content_schema = ref
    if meta["paginated"]:
        content_schema = {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": ref},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
            },
        }
    elif meta["many"]:
        content_schema = {"type": "object", "properties": {"items": {"type": "array", "items": ref}}}
    return {"description": "Success", "content": {"application/json": {"schema": content_schema}}}


def build_spec() -> dict:
    spec = APISpec(
        title="Continuum API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "The public contract of Continuum (see API.md)."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorOut)
    error = {"description": "Error", "content": {"application/json": {"schema": "Error"}}}
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        meta = _DOCS.get(f"{view.__module__}.{view.__name__}")
        if meta is None:
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"summary": meta["summary"], "operationId": f"{method.lower()}_{view.__name__}",
                  "responses": {str(meta["status"]): _response(meta), "default": error}}
            params = [{"name": a, "in": "path", "required": True, "schema": {"type": "string" if a in _STRING_ARGS else "integer"}}
                      for a in rule.arguments]
            params += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}}
                       for q in meta["query"]]
            if meta["paginated"]:
                params += [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                           {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}]
            if params:
                op["parameters"] = params
            if meta["body"] is not None and method in ("POST", "PUT", "PATCH"):
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": meta["body"]}}}
            if meta["upload"]:
                field = {"type": "object", "required": [meta["upload"]],
                         "properties": {meta["upload"]: {"type": "string", "format": "binary"},
                                        **{name: {"type": "string"} for name in meta["form"]}}}
                op["requestBody"] = {"required": True,
                                     "content": {"multipart/form-data": {"schema": field}}}
            if meta["auth"]:
                op["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
@doc("This OpenAPI 3 description of the API")
def openapi_json():
    spec = current_app.extensions.get("community_openapi")
    if spec is None:
        spec = current_app.extensions["community_openapi"] = build_spec()
    return jsonify(spec)
