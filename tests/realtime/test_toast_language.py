"""Toasts (socket pushes) are in the recipient's language, not the author's."""

from __future__ import annotations

from live_server import wait_for


def test_one_post_pushes_french_to_a_french_member_and_english_to_an_english_one(world):
    world.space("coffee")
    french, english = world.user("amelie"), world.user("oliver")
    author = world.user("emma")
    world.start()
    assert world.api(french, "PATCH", "/me", json={"locale": "fr"}).json()["locale"] == "fr"
    assert world.api(english, "PATCH", "/me", json={"locale": "en"}).status_code == 200
    assert world.api(author, "PATCH", "/me", json={"locale": "fr"}).status_code == 200
    _c1, to_french = world.socket(token=french["token"])
    _c2, to_english = world.socket(token=english["token"])

    def mentions(received):
        return [d["text"] for kind, _at, d in received
                if kind == "notification" and d["verb"] == "mentioned"]

    # The author's request is in French: each reader still gets their own language.
    resp = world.api(author, "POST", "/threads", json={
        "space": "coffee", "kind": "question", "title": "Mouture pour un V60",
        "body": "Qu'en pensent @amelie et @oliver ? Je cherche une mouture régulière."})
    assert resp.status_code == 201, resp.text
    assert wait_for(lambda: mentions(to_french) and mentions(to_english), timeout=3.0)
    assert mentions(to_french) == ["emma vous a mentionné dans « Mouture pour un V60 »"]
    assert mentions(to_english) == ["emma mentioned you in “Mouture pour un V60”"]
