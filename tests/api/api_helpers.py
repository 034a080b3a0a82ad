"""Helpers for the API tests: the error envelope and thread payloads."""

from __future__ import annotations

import itertools

_n = itertools.count(1)


def assert_error(resp, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The response is ``status`` in the one error envelope; returns its ``error``."""
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/json", resp.mimetype
    body = resp.get_json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert {"code", "message"} <= set(err) <= {"code", "message", "fields"}, err
    assert isinstance(err["message"], str) and err["message"].strip()
    if "fields" in err:
        assert isinstance(err["fields"], dict)
        for messages in err["fields"].values():
            assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    if code is not None:
        assert err["code"] == code, err
    if field is not None:
        assert field in err.get("fields", {}), err
    return err


def thread_body(space, **overrides) -> dict:
    body = {
        "space": space if isinstance(space, str) else space.slug,
        "kind": "question",
        "title": f"How do I configure the widget {next(_n)}?",
        "body": "I have tried everything in the manual and nothing works.",
        "tags": ["widgets"],
    }
    body.update(overrides)
    return body
