"""Staff pages in French show words, never the codes stored in the database.

The review queue, the audit log, triage, a case page and the case panel of a thread are
rendered in French with real flags, resolutions, thread actions, sanctions and cases;
every code of every label table must be absent from the visible text (tags and
attribute values, where codes belong, are not visible).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from webtools import submit

from community import labels
from community.escalation import cases, service
from community.models import ModerationItem
from community.moderation import flags, queue, sanctions, threads

VISIBLE_TABLES = ("flag_reason", "flag_state", "resolution", "target", "word_action",
                  "audit_action", "case_state", "case_action", "priority")
ITEM_KINDS = ("flags", "approval")


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def raw_codes(html: str) -> list[str]:
    """Codes shown as words. "spam" alone is spelt the same in French (as "Spam")."""
    words = set(re.findall(r"[A-Za-z0-9_]+", visible_text(html)))
    codes = {code for name in VISIBLE_TABLES for code in labels.TABLES[name]} | set(ITEM_KINDS)
    return sorted((codes - {"spam"}) & words)


def test_french_staff_pages_show_no_raw_code(app, db, make_user, make_space, make_thread,
                                              make_post, browser):
    space = make_space(slug="aide")
    author = make_user(username="auteur")
    moderator = make_user(role="moderator", username="modo")
    admin = make_user(role="admin", username="chef")
    thread = make_thread(space=space, author=author,
                         title="Comment détartrer la machine sans vinaigre ?")
    post = make_post(thread=thread, author=author, body="Achetez mes pastilles magiques ici.")
    other = make_post(thread=thread, author=make_user(username="voisin"),
                      body="Une réponse tout à fait correcte et utile.")
    # Flags with every kind of reason, then one item resolved (flags upheld) and one
    # dismissed (flags rejected), and a third still open with pending flags.
    for reason in ("off_topic", "spam", "offensive"):
        flags.flag(db.session, post, by=make_user(), reason=reason)
    flags.flag(db.session, other, by=make_user(), reason="duplicate")
    flags.flag(db.session, thread, by=make_user(), reason="other", note="Titre trompeur")
    db.session.commit()
    items = {(i.target_type, i.target_id): i for i in db.session.query(ModerationItem)}
    queue.act(db.session, items[("post", post.id)], by=moderator, action="hide",
              reason="Publicité")
    queue.act(db.session, items[("post", other.id)], by=moderator, action="dismiss",
              reason="Rien à redire")
    # Thread actions, a merge and a sanction reach the audit log.
    duplicate = make_thread(space=space, author=author, title="Détartrer sans vinaigre, possible ?")
    threads.moderate(db.session, thread, by=moderator, action="lock")
    threads.moderate(db.session, duplicate, by=moderator, action="merge", target=thread.id)
    sanctions.sanction(db.session, author, by=moderator, action="silence", reason="Publicité",
                       days=1)
    # Cases: one new (normal priority) on the thread, one assigned, started and urgent.
    case = service.escalate(db.session, thread, by=moderator)
    busy_thread = make_thread(space=space, title="La pompe fait un bruit étrange au démarrage")
    busy = service.escalate(db.session, busy_thread, by=moderator, priority="urgent")
    employee = make_user(role="employee", username="experte")
    cases.assign(db.session, busy, by=moderator, assignee=employee)
    cases.transition(db.session, busy, "start", by=employee)
    db.session.commit()

    staff = browser(admin)
    submit(staff, "/lang", {"lang": "fr"})
    pages = {
        "queue": "/moderation",
        "resolved queue": "/moderation?state=resolved",
        "audit log": "/moderation/audit",
        "triage": "/triage",
        "case page": f"/cases/{case.id}",
        "busy case page": f"/cases/{busy.id}",
        "case panel": f"/threads/{thread.id}",
        "busy case panel": f"/threads/{busy_thread.id}",
        "watched words": "/moderation/words",
    }
    shown = {}
    for name, path in pages.items():
        resp = staff.get(path)
        assert resp.status_code == 200, (name, resp.status_code)
        html = resp.get_data(as_text=True)
        assert '<html lang="fr">' in html, name
        shown[name] = html
        assert raw_codes(html) == [], name

    # The words are there instead of the codes.
    assert "Hors sujet" in visible_text(shown["resolved queue"])
    assert "Retenu" in visible_text(shown["resolved queue"])
    audit = visible_text(shown["audit log"])
    assert "Masqué après examen" in audit and "Discussions fusionnées" in audit
    panel = visible_text(shown["case panel"])
    assert f"#{case.id} · Nouveau" in panel or f"#{case.id} · Nouvelle" in panel
    assert "Priorité: Normale" in panel
    # "Post" the noun is "Message" (the publish button keeps "Publier").
    assert "Message" in visible_text(shown["resolved queue"])
    assert "Publier" not in visible_text(shown["resolved queue"])
    # "Triage" is "Triage" in French too ("Tri" is the sort menu).
    assert "Tableau de triage" in visible_text(shown["triage"])
    assert re.search(r"<title>\s*Triage\b", shown["triage"])


def test_every_audited_action_has_a_label():
    from community.moderation import queue as queue_module
    from community.moderation import threads as thread_module

    composed = {f"item_{a}" for a in queue_module.ACTIONS}
    composed |= {f"thread_{a}" for a in thread_module.ACTIONS}
    composed |= {f"sanction_{a}" for a in ("silence", "suspend", "lift")}
    assert composed - set(labels.AUDIT_ACTION_LABELS) == set()


# Codes that are not words in French either: a role, a space's visibility, a customer tier.
ADMIN_CODES = ({"employee", "moderator", "member", "members", "staff", "premium", "standard"}
               | set(labels.CASE_STATE_LABELS) | set(labels.PRIORITY_LABELS))


def test_french_administration_pages_show_no_raw_code(app, db, make_user, make_space,
                                                      make_thread, browser):
    from community.escalation.groups import save_group
    from community.organisations import service as organisations
    from community.replies import service as replies

    admin = make_user(role="admin", username="chef")
    make_user(role="moderator", username="modo")
    employee = make_user(role="employee", username="experte")
    make_space(slug="aide", name="Aide")
    make_space(slug="club", name="Club", visibility="members")
    make_space(slug="interne", name="Interne", visibility="staff")
    make_thread(title="Comment détartrer la machine sans vinaigre ?")
    save_group(db.session, by=admin, slug="rnd", name="R&D", tags=["pompe"], spaces=["aide"],
               members=[employee.username])
    organisations.create(db.session, by=admin, name="Brûlerie Dupont", tier="premium")
    replies.create(db.session, by=admin, title="Merci", body_en="Thanks for asking.",
                   body_fr="Merci de votre question.")
    db.session.commit()

    staff = browser(admin)
    submit(staff, "/lang", {"lang": "fr"})
    pages = ["/admin", "/admin/spaces", "/admin/groups", "/admin/groups/rnd", "/admin/users",
             "/admin/organisations", "/admin/saved-replies", "/admin/webhooks",
             "/admin/analytics", "/moderation/ambassadors", "/tags", "/leaderboard",
             "/badges", "/cases"]
    for path in pages:
        resp = staff.get(path)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and '<html lang="fr">' in html, path
        # Identifiers set in <code> (webhook event names) are the API's words, on purpose.
        html = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
        words = set(re.findall(r"[A-Za-z0-9_]+", visible_text(html)))
        # "organisation" is also the French word (a target code elsewhere).
        leftovers = [c for c in raw_codes(html) if c != "organisation"]
        assert leftovers == [] and sorted(words & ADMIN_CODES) == [], (path, leftovers,
                                                                       words & ADMIN_CODES)
    # The words are there instead.
    assert "Premium" in visible_text(staff.get("/admin/organisations").get_data(as_text=True))
