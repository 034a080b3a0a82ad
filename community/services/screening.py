"""The content-screening hook the thread and post services call around each write.

Moderation judges content (silenced authors, watched words, new members' links) and
registers itself here from ``moderation.init_app``, so the services never import a
feature package. Without a registered screener a write fails rather than going
through unscreened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context

_hooks: dict[str, Callable] = {}
# A person writing now (a page, the API, a reply by email), as opposed to the demo seed,
# an import or a simulation: only they get the new-member checks on links and mentions.
_by_person: ContextVar[bool] = ContextVar("screening_by_person", default=False)


@contextmanager
def written_by_person() -> Iterator[None]:
    """Screen writes in this block as a person's, outside a request (replies by email)."""
    token = _by_person.set(True)
    try:
        yield
    finally:
        _by_person.reset(token)


def by_person() -> bool:
    return has_request_context() or _by_person.get()


def register(*, screen: Callable, apply: Callable) -> None:
    _hooks["screen"] = screen
    _hooks["apply"] = apply


def _hook(name: str) -> Callable:
    try:
        return _hooks[name]
    except KeyError:
        raise RuntimeError("no content screener is registered (moderation.init_app)") from None


def screen(session, *, by, body: str, title: str | None = None, editing: bool = False):
    """Before a write: raises to refuse it, else returns what ``apply`` should do."""
    return _hook("screen")(session, by=by, body=body, title=title, editing=editing)


def apply(session, obj, result, *, by) -> bool:
    """After the write (the item has an id): True when it is held for approval."""
    return _hook("apply")(session, obj, result, by=by)
