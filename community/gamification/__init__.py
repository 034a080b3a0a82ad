"""Points, levels, badges, privileges, leaderboards and ambassadors."""

from __future__ import annotations


def init_app(app) -> None:
    from .. import events
    from . import badges, engine, views  # noqa: F401  (engine registers its subscribers)

    app.register_blueprint(views.bp)
    views.init_jinja(app)
    # Badges triggered by events other parts define (moderation's FlagAgreed…):
    # subscribe once, if and when those events exist.
    for name in {t for b in badges.BADGES for t in b.triggers}:
        event_type = getattr(events, name, None)
        if event_type is None or name in engine.HANDLED:
            continue
        if not any(getattr(fn, "_badge_trigger", None) == name
                   for fn in events._in_tx.get(event_type, [])):
            events.on(event_type)(_generic_badge_subscriber(name))


def _generic_badge_subscriber(name: str):
    from . import badges

    def subscriber(session, ev):
        users = [getattr(ev, attr) for attr in ("user_id", "flagger_id", "author_id", "owner_id")
                 if isinstance(getattr(ev, attr, None), int)]
        badges.evaluate(session, ev, users)

    subscriber._badge_trigger = name
    subscriber.__name__ = f"badges_on_{name}"
    return subscriber
