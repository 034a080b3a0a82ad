"""Codes in words: one table per kind of stored code, every word through the catalogue.

Pages, notification texts and emails show these labels, never the codes
("off_topic", "item_hide", "waiting_customer"). The tables hold lazy strings, so
they are rendered in the language of whoever reads them. Kept out of the web and
notifications packages so both can use them without importing each other.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

KIND_LABELS = {
    "question": _l("Question"),
    "idea": _l("Idea"),
    "discussion": _l("Discussion"),
    "article": _l("Article"),
}
STATUS_LABELS = {
    "open": _l("Open"),
    "answered": _l("Answered"),
    "solved": _l("Solved"),
    "closed": _l("Closed"),
    "new": _l("New"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "shipped": _l("Shipped"),
    "declined": _l("Declined"),
    "duplicate": _l("Duplicate"),
}
# Level names live in config as English data; these are their translations.
LEVEL_LABELS = {
    "Newcomer": _l("Newcomer"),
    "Participant": _l("Participant"),
    "Contributor": _l("Contributor"),
    "Expert": _l("Expert"),
    "Champion": _l("Champion"),
}
ROLE_LABELS = {
    "member": _l("Member"),
    "employee": _l("Employee"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}
VISIBILITY_LABELS = {
    "public": _l("Public"),
    "members": _l("Members only"),
    "staff": _l("Staff only"),
}
SORT_LABELS = {
    "recent": _l("Recent activity"),
    "votes": _l("Most votes"),
    "unanswered": _l("Unanswered"),
}

# ---- moderation ----

FLAG_REASON_LABELS = {
    "spam": _l("Spam"),
    "offensive": _l("Offensive"),
    "off_topic": _l("Off topic"),
    "duplicate": _l("Duplicate"),
    "other": _l("Other"),
}
FLAG_STATE_LABELS = {
    "pending": _l("Pending"),
    "upheld": _l("Upheld"),
    "rejected": _l("Rejected"),
}
RESOLUTION_LABELS = {
    "dismiss": _l("Dismissed"),
    "hide": _l("Hidden"),
    "delete": _l("Deleted"),
    "restore": _l("Restored"),
}
# "Post" the noun: the button that publishes is the verb, and French tells them apart.
TARGET_LABELS = {
    "thread": _l("Thread"),
    "post": lazy_pgettext("noun", "Post"),
    "user": _l("Member"),
    "word": _l("Watched word"),
    "case": _l("Case"),
    "organisation": _l("Organisation"),
    "setting": _l("Site settings"),
}
WORD_ACTION_LABELS = {
    "block": _l("Block"), "approve": _l("Require approval"), "flag": _l("Flag"),
    "censor": _l("Censor"),
}
AUDIT_ACTION_LABELS = {
    "auto_flag": _l("Flagged automatically (watched word)"),
    "auto_hold": _l("Held for approval automatically"),
    "auto_hide": _l("Hidden automatically (flags)"),
    "item_dismiss": _l("Flags dismissed"),
    "item_hide": _l("Hidden after review"),
    "item_delete": _l("Deleted after review"),
    "item_restore": _l("Restored after review"),
    "thread_lock": _l("Thread locked"),
    "thread_unlock": _l("Thread unlocked"),
    "thread_pin": _l("Thread pinned"),
    "thread_unpin": _l("Thread unpinned"),
    "thread_close": _l("Thread closed"),
    "thread_reopen": _l("Thread reopened"),
    "thread_move": _l("Thread moved"),
    "thread_mark_duplicate": _l("Thread marked as a duplicate"),
    "thread_merge": _l("Threads merged"),
    "sanction_silence": _l("Member silenced"),
    "sanction_suspend": _l("Member suspended"),
    "sanction_lift": _l("Sanction lifted"),
    "official": _l("Answer marked official"),
    "unofficial": _l("Official mark removed"),
    "knowledge_promote": _l("Promoted to a knowledge article"),
    "article_edit": _l("Knowledge article edited"),
    "word_set": _l("Watched word saved"),
    "word_remove": _l("Watched word removed"),
    "role_change": _l("Role changed"),
    "account_erase": _l("Account erased"),
    "tag_describe": _l("Tag description changed"),
    "tag_merge": _l("Tag merged into another"),
    "space_create": _l("Space created"),
    "space_update": _l("Space edited"),
    "space_archive": _l("Space archived"),
    "space_restore": _l("Space brought back from the archive"),
    "organisation_create": _l("Organisation created"),
    "organisation_update": _l("Organisation edited"),
    "organisation_membership": _l("Organisation membership changed"),
    "site_settings_update": _l("Site settings changed"),
    "site_settings_reset": _l("Site settings reset to defaults"),
}

# ---- cases ----

CASE_STATE_LABELS = {
    "new": _l("New"), "assigned": _l("Assigned"), "in_progress": _l("In progress"),
    "waiting_customer": _l("Waiting for the customer"), "resolved": _l("Resolved"),
}
CASE_ACTION_LABELS = {
    "start": _l("Start working"), "wait_customer": _l("Wait for the customer"),
    "resolve": _l("Resolve"), "reopen": _l("Reopen"),
}
PRIORITY_LABELS = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"),
                   "urgent": _l("Urgent")}
CASE_EVENT_LABELS = {
    "opened": _l("opened the case"), "assigned": _l("changed the assignment"),
    "start": _l("started working"), "wait_customer": _l("is waiting for the customer"),
    "resolve": _l("resolved the case"), "reopen": _l("reopened the case"),
    "note": _l("added an internal note"), "first_response": _l("answered in the thread"),
    "sla_warning": _l("SLA warning sent"), "sla_breached": _l("SLA breached"),
    "updated": _l("changed the CRM reference or the priority"),
}

# The default customer tiers (ORGANISATION_TIERS); other tiers show their "label" or key.
TIER_LABELS = {"standard": _l("Standard"), "premium": _l("Premium")}

# What templates name with ``label_for("flag_reason", code)``.
TABLES = {
    "kind": KIND_LABELS, "status": STATUS_LABELS, "level": LEVEL_LABELS, "role": ROLE_LABELS,
    "visibility": VISIBILITY_LABELS, "sort": SORT_LABELS,
    "flag_reason": FLAG_REASON_LABELS, "flag_state": FLAG_STATE_LABELS,
    "resolution": RESOLUTION_LABELS, "target": TARGET_LABELS,
    "word_action": WORD_ACTION_LABELS, "audit_action": AUDIT_ACTION_LABELS,
    "case_state": CASE_STATE_LABELS, "case_action": CASE_ACTION_LABELS,
    "priority": PRIORITY_LABELS, "case_event": CASE_EVENT_LABELS,
}


def label(table: dict, key) -> str:
    """The code's words in the current language; an unknown code is shown as it is."""
    value = table.get(key)
    return str(value) if value is not None else (key or "")


def label_for(table: str, key) -> str:
    return label(TABLES[table], key)
