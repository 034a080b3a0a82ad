"""The event catalogue: every domain event is declared in community.events, says who
listens to it, and has someone listening once the app exists."""

import importlib
import pkgutil

import community
from community import events


def _all_event_types() -> set[type]:
    # Import every module so an event declared anywhere in the package is seen.
    for info in pkgutil.walk_packages(community.__path__, "community."):
        importlib.import_module(info.name)
    found, todo = set(), [events.Event]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("community.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_every_event_is_declared_in_the_catalogue_with_its_subscribers(app):
    types = _all_event_types()
    assert len(types) >= 10
    outside = sorted(f"{t.__module__}.{t.__name__}" for t in types
                     if t.__module__ != "community.events")
    assert outside == [], "declare domain events in community/events.py"
    undocumented = sorted(t.__name__ for t in types if not (t.__doc__ or "").strip()
                          or t.__doc__.startswith(t.__name__ + "("))  # dataclass's default
    assert undocumented == [], "each event's docstring names its subscribers"
    unheard = sorted(t.__name__ for t in types
                     if not events._in_tx.get(t) and not events._post_commit.get(t))
    assert unheard == [], "an event nobody subscribes to is dead code"
