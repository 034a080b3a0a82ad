"""Flood control on Flask-Limiter's storage: per user and per IP, stricter for new
members, staff exempt. Checked before the view runs (or first thing in the view, for the
forms that show the refusal themselves), so a refused request stores nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import ratelimit, site_rules
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Post, Thread, utcnow
from ..ratelimit import RateLimited

__all__ = ["RateLimited", "check_account", "check_content", "check_request", "is_new_member"]

# Endpoint -> category. Web forms and API routes share a category.
ENDPOINTS = {
    "api.create_thread": "thread", "content.ask": "thread",
    "api.create_post": "post", "content.answer": "post",
    "api.vote_thread": "vote", "api.vote_post": "vote",
    "content.vote_thread": "vote", "content.vote_post": "vote",
    "api.flag_post": "flag", "api.flag_thread": "flag",
    "moderation.flag_post": "flag", "moderation.flag_thread": "flag",
    "api.search": "search", "search.results": "search",
}
WRITE_METHODS = {"POST", "PUT", "PATCH"}
LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_.-]{3,30}")
# Web forms that refuse a flood on the form itself, keeping what was typed: their
# views call check_request() and before_request leaves them alone.
FORM_ENDPOINTS = {"content.ask", "content.answer"}


def is_new_member(user) -> bool:
    cfg = current_app.config
    if user.is_staff:
        return False
    if user.created_at > utcnow() - timedelta(hours=cfg["NEW_MEMBER_HOURS"]):
        return True
    threads = db.session.scalar(select(func.count(Thread.id)).where(
        Thread.author_id == user.id, Thread.deleted_at.is_(None))) or 0
    posts = db.session.scalar(select(func.count(Post.id)).where(
        Post.author_id == user.id, Post.deleted_at.is_(None))) or 0
    return threads + posts < cfg["NEW_MEMBER_POSTS"]


def _limits_for(category: str, user, ip: str | None) -> list[tuple[str, str]]:
    """(limit string, key) pairs for this request (``ip`` None: the account's alone)."""
    # The site settings' limits, else the configuration's; an empty one is no limit.
    out = []
    per_ip = site_rules.value("FLOOD_LIMITS_PER_IP").get(category)
    if per_ip and ip is not None:
        out.append((per_ip, f"flood:{category}:ip:{ip}"))
    if user is not None:
        per_user = site_rules.value("FLOOD_LIMITS").get(category)
        if per_user:
            out.append((per_user, f"flood:{category}:user:{user.id}"))
        per_new = site_rules.value("NEW_MEMBER_LIMITS").get(category)
        if per_new and is_new_member(user):
            out.append((per_new, f"flood:{category}:new:{user.id}"))
    return out


def check_request() -> None:
    endpoint = request.endpoint or ""
    category = ENDPOINTS.get(endpoint)
    if category is None or not ratelimit.enabled():
        return
    if category != "search" and request.method not in WRITE_METHODS:
        return
    user = current_user if current_user.is_authenticated else None
    if user is not None and user.is_staff:
        return  # staff are exempt
    if category == "search" and user is None:
        return  # guests have the search view's own limit
    _enforce(category, user, request.remote_addr or "unknown")


def check_account(category: str, user) -> None:
    """The flood limits of one account outside a request: a reply by email comes from
    its sender's mail server, an address shared by everyone there, so the per-address
    limits do not apply."""
    if ratelimit.enabled() and not user.is_staff:
        _enforce(category, user, None)


def _enforce(category: str, user, ip: str | None) -> None:
    limits = [pair for text, key in _limits_for(category, user, ip)
              for pair in ratelimit.pairs(text, key)]
    if wait := ratelimit.wait(limits):
        raise RateLimited(_("You are doing this too often: try again in %(wait)s.",
                            wait=ratelimit.wait_phrase(wait)), wait)
    ratelimit.hit(limits)


def check_content(user, text: str) -> bool:
    """Link and mention caps for new members; True when links send the post to approval."""
    if user is None or user.is_staff or not is_new_member(user):
        return False
    cfg = current_app.config
    links = len(LINK_RE.findall(text or ""))
    mentions = len(MENTION_RE.findall(text or ""))
    errors = {}
    if links > cfg["NEW_MEMBER_MAX_LINKS"]:
        errors["body"] = [_("New members can include at most %(n)s links in a post.",
                            n=cfg["NEW_MEMBER_MAX_LINKS"])]
    if mentions > cfg["NEW_MEMBER_MAX_MENTIONS"]:
        errors.setdefault("body", []).append(
            _("New members can mention at most %(n)s people in a post.",
              n=cfg["NEW_MEMBER_MAX_MENTIONS"]))
    if errors:
        raise ValidationFailed(_("The post could not be published."), errors)
    return links > 0 and cfg["NEW_MEMBER_LINKS_NEED_APPROVAL"]
