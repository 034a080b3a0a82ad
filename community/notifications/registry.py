"""The verb registry: one entry per verb (who may receive it, its text, its link).

Other features add verbs with ``register(...)`` and create notifications with
``fanout.notify(session, "verb", recipients=[...], ...)``; nothing in the fan-out or the
delivery code changes for a new verb. Texts are lazy strings rendered in the reader's
language when the notification is shown, pushed or mailed.

A verb's ``rank`` says how specific it is: when one occurrence (a domain event, one
assignment) would tell a person several things, they get one notification, with the
highest-ranked verb they have not turned off (see ``fanout.notify``'s ``occasion``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..labels import LEVEL_LABELS, STATUS_LABELS, label

# Who may ever receive a verb, on top of being able to read its thread and post.
AUDIENCES = ("anyone", "staff", "moderators")


@dataclass(frozen=True)
class Verb:
    name: str
    label: object  # shown on the preferences page
    text: object  # a lazy string with %(actor)s, %(title)s and the verb's own words
    link: Callable[[dict], str]
    email: str = "off"  # the default email mode: off, immediately, daily
    in_app: bool = True
    audience: str = "anyone"
    recipients: object = None  # a sentence for people (the fan-out code is the rule)
    rank: int = 0  # within one occasion, the highest rank wins


VERBS: dict[str, Verb] = {}


def register(name: str, *, label, text, link: Callable[[dict], str] | None = None,
             email: str = "off", in_app: bool = True, audience: str = "anyone",
             recipients=None, rank: int = 0) -> Verb:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    verb = Verb(name, label, text, link or thread_link, email, in_app, audience, recipients,
                rank)
    VERBS[name] = verb
    return verb


def get(name: str) -> Verb | None:
    return VERBS.get(name)


def thread_link(ref: dict) -> str:
    if ref.get("thread_id") is None:
        return "/notifications"
    anchor = f"#post-{ref['post_id']}" if ref.get("post_id") else ""
    return f"/threads/{ref['thread_id']}{anchor}"


def profile_link(ref: dict) -> str:
    username = (ref.get("data") or {}).get("username")
    return f"/users/{username}" if username else "/notifications"


def case_link(ref: dict) -> str:
    case_id = (ref.get("data") or {}).get("case_id")
    return f"/cases/{int(case_id)}" if case_id else thread_link(ref)


class _Words(dict):
    """Missing words render empty rather than raising, whatever a verb's text asks for."""

    def __missing__(self, key):
        return ""


def render_text(verb_name: str, *, actor: str | None, data: dict | None) -> str:
    if not has_request_context() and _forced_locale() is None:
        # A worker or a test: no reader to ask, so the site's default language.
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return _render(verb_name, actor=actor, data=data)
    return _render(verb_name, actor=actor, data=data)


def _forced_locale():
    return getattr(getattr(g, "_flask_babel", None), "babel_locale", None) if g else None


def _render(verb_name: str, *, actor: str | None, data: dict | None) -> str:
    verb = VERBS.get(verb_name)
    data = dict(data or {})
    words = _Words({k: v for k, v in data.items() if isinstance(v, str | int)})
    words["actor"] = actor or str(_l("Someone"))
    if "status" in data:
        words["status"] = label(STATUS_LABELS, data["status"])
    if "level_name" in data:
        words["level_name"] = label(LEVEL_LABELS, data["level_name"])
    if "group_slug" in data and data["group_slug"] is None:
        # A sweep's summary for cases that reached no group: the queue's name, not its code.
        words["group"] = str(_l("Triage"))
    if "badge" in data:
        words["badge"] = _badge_name(data["badge"])
    if verb is None:
        return str(_l("Something happened that concerns you."))
    return str(verb.text) % words


def _badge_name(slug: str) -> str:
    try:
        from ..gamification.badges import BY_SLUG
    except ImportError:  # gamification not installed in this build
        return slug
    badge = BY_SLUG.get(slug)
    return str(badge.name) if badge else slug


register("answer_posted", label=_l("New answers to questions I follow"),
         text=_l("%(actor)s answered “%(title)s”"), email="off",
         recipients=_l("the asker and the thread's followers"), rank=30)
register("reply_posted", label=_l("New replies in discussions and ideas I follow"),
         text=_l("%(actor)s replied in “%(title)s”"), email="off",
         recipients=_l("the author and the thread's followers"), rank=30)
register("mentioned", label=_l("Someone mentions me"),
         text=_l("%(actor)s mentioned you in “%(title)s”"), email="immediately",
         recipients=_l("every @username named in a post who can read it"), rank=40)
register("answer_accepted", label=_l("My answer is accepted"),
         text=_l("%(actor)s accepted your answer to “%(title)s”"), email="off",
         recipients=_l("the answer's author"))
register("badge_awarded", label=_l("I earn a badge"),
         text=_l("You earned the badge “%(badge)s”"), link=profile_link,
         recipients=_l("the user who earned it"))
register("level_up", label=_l("I reach a new level"),
         text=_l("You reached level %(level)s: %(level_name)s"), link=profile_link,
         recipients=_l("the user"))
register("idea_status_changed", label=_l("An idea I voted for or follow changes status"),
         text=_l("“%(title)s” is now %(status)s"), email="daily",
         recipients=_l("the idea's author, its voters and followers"))
register("thread_created", label=_l("New threads in spaces and tags I follow"),
         text=_l("%(actor)s posted “%(title)s”"),
         recipients=_l("the followers of the space or of one of its tags"), rank=20)
register("watch_matched", label=_l("New content matches one of my watches"),
         text=_l("“%(title)s” matches your watch “%(query)s”"), email="daily",
         recipients=_l("the watch's owner"), rank=10)
register("case_routed", label=_l("A case reaches my group's queue"),
         text=_l("New case in your group's queue: “%(title)s”"), link=case_link,
         email="immediately", audience="staff",
         recipients=_l("the members of the group the case is routed to, or the moderators"),
         rank=10)
register("case_assigned", label=_l("A case is assigned to me"),
         text=_l("Case assigned to you: “%(title)s”"), link=case_link, email="immediately",
         audience="staff", recipients=_l("the assignee"), rank=20)
register("case_updated", label=_l("A case I handle is updated"),
         text=_l("The case on “%(title)s” was updated"), link=case_link, audience="staff")
register("case_sla_warning", label=_l("A case nears its response deadline"),
         text=_l("The case on “%(title)s” is close to its response deadline"),
         link=case_link, email="immediately", audience="staff")
register("case_sla_breached", label=_l("A case misses its response deadline"),
         text=_l("The case on “%(title)s” missed its response deadline"),
         link=case_link, email="immediately", audience="staff")
register("post_flagged", label=_l("A post is flagged (moderators)"),
         text=_l("A post in “%(title)s” was flagged"), audience="moderators")
