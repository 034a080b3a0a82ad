"""Every route that needs an account goes through permissions.requires (or signed_in),
so a new view cannot forget to ask who is calling: it is guarded or it is listed here."""

from __future__ import annotations

import re

from community.api.openapi import _DOCS

# Endpoints anyone may call. Each one either shows only what a guest may see (the
# permissions filters decide what is in it) or is a step of signing in or out.
PUBLIC = {
    # signing in, registering, signing out, the language switch and the CSRF token a
    # sign-in form needs: a guest must be able to reach them
    "auth.login", "auth.register", "auth.logout", "auth.set_language", "auth.csrf_token",
    "api.create_token", "api.register",
    # single sign-on: off to the provider and back (404s when it is not configured)
    "oidc.login", "oidc.callback",
    # a forgotten password and the links sent by email: the token is the credential
    # (services.account_email), and a reset request says nothing about the address
    "account_email.forgot_password", "account_email.reset_password",
    "account_email.verify_email", "api.password_reset", "api.password_reset_confirm",
    "api.verify_email",
    # reading: lists and pages filtered by permissions.space_filter / thread_filter, a
    # hidden thread or post is a 404 (permissions.require_*)
    "pages.home", "pages.space", "pages.profile", "content.thread", "search.results",
    "gamification.leaderboard_page", "gamification.badges_page",
    "api.list_spaces", "api.list_threads", "api.get_thread", "api.get_post",
    "api.search", "api.search_similar", "api.user_profile", "api.user_reputation",
    "api.leaderboard", "api.list_badges",
    # knowledge articles: a thread of kind "article", readable as its space is
    # (moderation.articles.article_or_404); their versions are as public as they are
    "articles.article", "articles.history", "articles.version", "api.get_article",
    "api.article_revisions",
    # an idea's demand: the links the caller may read and the customers behind them
    "api.idea_demand",
    # for search engines and feed readers: what a guest may read, whoever asks
    # (community/web/feeds.py filters with permissions.thread_filter(None))
    "feeds.robots", "feeds.sitemap_index", "feeds.sitemap", "feeds.community_feed",
    "feeds.space_feed", "feeds.tag_feed",
    # tags: counts and lists filtered by thread_filter; a tag with nothing readable is
    # a 404 (permissions.require_tag)
    "tags.index", "tags.show", "api.list_tags", "api.get_tag",
    # the API's description, the load balancer's probe and the static files; avatars
    # are public pictures, found by an address only their profile gives away
    "api.openapi_json", "health.healthz", "static", "avatars.avatar",
    # uploaded files: a guest reads one a post it can read shows; anything else is a
    # 404 (permissions.require_upload)
    "uploads.upload", "uploads.thumbnail",
}


def _guarded(app, endpoint: str) -> bool:
    return hasattr(app.view_functions[endpoint], "permission_rules")


def test_every_endpoint_is_guarded_or_listed_as_public(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    forgotten = sorted(e for e in endpoints if e not in PUBLIC and not _guarded(app, e))
    assert forgotten == [], "add @permissions.requires / @permissions.signed_in, or list it"
    # A listed endpoint that gained a guard, or no longer exists, leaves the list.
    assert sorted(e for e in PUBLIC if e not in endpoints or _guarded(app, e)) == []
    assert len(endpoints) - len(PUBLIC) >= 80


def test_the_api_description_says_auth_exactly_where_the_guard_is(app):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi_json":
            continue
        view = app.view_functions[rule.endpoint]
        meta = _DOCS[f"{view.__module__}.{view.__name__}"]
        assert meta["auth"] == _guarded(app, rule.endpoint), rule.endpoint


def _calls(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = re.sub(r"<id:[a-z_]+>", "1", rule.rule)
        url = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "someone", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_a_guest_never_reaches_a_guarded_view(app, db, client, make_thread, make_post, make_user):
    """The API answers 401 in the envelope; pages send the guest to sign in and back,
    or answer 404 where the page does not exist for guests (case forms)."""
    thread = make_thread()
    make_post(thread=thread)
    make_user(username="someone")
    db.session.commit()
    token = client.get("/csrf-token").get_json()["csrf_token"]
    checked = 0
    for endpoint, method, url in _calls(app):
        resp = client.open(url, method=method, data={"csrf_token": token}
                           if not url.startswith("/api/") else None)
        where = f"{method} {url}"
        if url.startswith("/api/"):
            assert resp.status_code == 401, where
            assert resp.get_json()["error"]["code"] == "unauthorized", where
        elif resp.status_code == 303:
            assert resp.headers["Location"].startswith("/login?next="), where
        else:
            assert resp.status_code == 404 and endpoint.startswith("escalation."), where
        checked += 1
    assert checked >= 80
