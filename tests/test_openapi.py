"""GET /api/v1/openapi.json: valid OpenAPI 3 that describes every API route the app serves."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _spec(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    return resp.get_json()


def test_the_spec_is_valid_openapi_3(client):
    spec = _spec(client)
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_api_route_and_method_is_in_the_spec(app, client):
    spec = _spec(client)
    base = next((s["url"] for s in spec.get("servers", []) if s["url"].startswith("/")), "")
    documented = {(method.upper(), base + path)
                  for path, ops in spec["paths"].items() for method in ops
                  if method.upper() in METHODS}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        served |= {(m, path) for m in rule.methods & METHODS}
    assert served, "no API routes found"
    missing = sorted(served - documented)
    assert not missing, f"routes missing from openapi.json: {missing}"
    assert not sorted(documented - served), "the spec names routes the app does not serve"


def test_path_parameters_are_declared(client):
    spec = _spec(client)
    for path, ops in spec["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for method, op in ops.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert names <= declared, (method, path)


def test_bodies_and_errors_are_described(client):
    spec = _spec(client)
    assert "Error" in spec["components"]["schemas"]
    create = spec["paths"]["/threads"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    ref = schema["$ref"].rsplit("/", 1)[-1]
    assert {"space", "kind", "title", "body", "tags"} <= set(spec["components"]["schemas"][ref]["properties"])
    assert "201" in create["responses"] and "default" in create["responses"]
    listing = spec["paths"]["/threads"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"space", "kind", "tag", "status", "sort", "page", "per_page"} <= params


def test_the_spec_is_stable_between_calls(client):
    assert _spec(client) == _spec(client)
