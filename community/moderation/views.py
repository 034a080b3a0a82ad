"""Moderation pages: the review queue, the audit log, watched words, admin, and the
forms on thread pages (flag, moderate, official answer, promote, sanction, history)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import permissions as perm
from ..errors import DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..lengths import USERNAME_MAX
from ..lookups import post_or_404, thread_or_404
from ..models import ModerationItem, Thread, WatchedWord
from ..queries import get_user
from ..schemas import load_form, page_number, query_choices, submitted
from ..web.helpers import next_param, redirect_next, thread_url
from . import audit, flags, knowledge, queue, sanctions, threads, words
from .schemas import (
    AuditArgs,
    FlagIn,
    ItemActionIn,
    ModerateFormIn,
    OfficialIn,
    QueueArgs,
    SanctionIn,
    WordsFormIn,
)

bp = Blueprint("moderation", __name__)


def _back(thread_id: int | None = None):
    fallback = f"/threads/{thread_id}" if thread_id else url_for("moderation.queue_page")
    return redirect_next(next_param(), fallback)


@bp.get("/moderation")
@perm.requires(perm.require_moderator)
def queue_page():
    state = query_choices(QueueArgs)["state"]
    page = page_number()
    items, total = queue.list_items(db.session, state=state, page=page, per_page=20)
    rows = []
    item_flags = queue.flags_for(db.session, items)
    for item in items:
        target = queue.target_of(db.session, item)
        rows.append({"item": item, "target": target, "actions": queue.applicable(item, target),
                     "thread": db.session.get(Thread, item.thread_id),
                     "flags": item_flags[item.id],
                     "history": queue.author_history(db.session, item.author_id)})
    return render_template("moderation/queue.html", rows=rows, total=total, state=state,
                           page=page)


@bp.post("/moderation/items/<id:item_id>")
@perm.requires(perm.require_moderator)
def item_action(item_id: int):
    item = db.session.get(ModerationItem, item_id)
    if item is None:
        raise NotFound(_("This item does not exist."))
    data = load_form(ItemActionIn())
    # The page offered only what applies; a stale page's button changes nothing.
    if data["action"] not in queue.applicable(item, queue.target_of(db.session, item)):
        flash(_("This action no longer applies to this item: nothing was changed."), "error")
        return redirect(url_for("moderation.queue_page"), code=303)
    queue.act(db.session, item, by=current_user, **data)
    db.session.commit()
    flash(str(QUEUE_DONE[data["action"]]), "success")
    return redirect(url_for("moderation.queue_page"), code=303)


QUEUE_DONE = {
    "dismiss": _l("Dismissed: the content stays as it is and its flags were rejected."),
    "hide": _l("Hidden: only moderators see it now, and its author was told."),
    "delete": _l("Deleted: only moderators see it now."),
    "restore": _l("Restored: everyone who may read the thread sees it again."),
}


@bp.get("/moderation/audit")
@perm.requires(perm.require_moderator)
def audit_page():
    # A filter that is not valid (a mistyped id or date) is left out, as the form shows.
    args = query_choices(AuditArgs)
    day = args.pop("since")
    since = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    args["actor"] = (args["actor"] or "")[:USERNAME_MAX] or None
    page = page_number()
    entries, total = audit.browse(db.session, **args, since=since, page=page)
    shown = {k: str(v) for k, v in {**args, "since": day}.items() if v is not None}
    return render_template("moderation/audit.html", entries=entries, total=total,
                           actions=audit.actions(db.session), args=shown, page=page)


@bp.route("/moderation/words", methods=["GET", "POST"])
@perm.requires(perm.require_manage_words)
def words_page():
    error, errors = None, {}
    form = submitted("word", "action", "replacement")
    if request.method == "POST":
        try:
            data = load_form(WordsFormIn())
            if data["delete"]:
                row = db.session.get(WatchedWord, data["delete"])
                if row is not None:
                    words.remove_word(db.session, row, by_id=current_user.id)
            elif "csv" in request.files or data["csv_text"]:
                upload = request.files.get("csv")
                n = words.import_csv(db.session, upload.read() if upload else data["csv_text"],
                                     by_id=current_user.id)
                flash(_("%(n)s words imported.", n=n))
            else:
                words.add_word(db.session, word=data["word"], action=data["action"],
                               replacement=data["replacement"], by_id=current_user.id)
            db.session.commit()
            return redirect(url_for("moderation.words_page"), code=303)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
            errors = exc.fields if isinstance(exc, ValidationFailed) else {}
    return render_template("moderation/words.html", words=words.all_words(db.session),
                           error=error, errors=errors, form=form), 422 if error else 200


@bp.get("/moderation/words.csv")
@perm.requires(perm.require_manage_words)
def words_export():
    return Response(words.export_csv(db.session), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=watched-words.csv"})


@bp.get("/admin")
@perm.requires(perm.require_staff)
def admin_page():
    return render_template("moderation/admin.html", links=_admin_links())


# Every staff page, in the order the index shows them. Whether a link shows is decided
# by the page's own guard (``permission_rules``), so a link is never shown to someone
# the page would refuse, whatever its rules become.
ADMIN_PAGES = (
    ("people.admin_users", _l("People"), _l("Accounts, roles and erasure.")),
    ("organisations.index", _l("Organisations"), _l("Customer organisations, their tiers and members.")),
    ("webhooks.admin_webhooks", _l("Webhooks"), _l("Events sent to other systems, and their deliveries.")),
    ("spaces_admin.index", _l("Spaces"), _l("Create, edit, order and archive spaces.")),
    ("tags.index", _l("Tags"), _l("Describe tags and merge synonyms.")),
    ("moderation.queue_page", _l("Review queue"), _l("Flagged and held content.")),
    ("moderation.words_page", _l("Watched words"), _l("Words that are blocked, held, flagged or censored.")),
    ("gamification.ambassadors_page", _l("Ambassadors"), _l("Proposals and decisions.")),
    ("sitesettings.index", _l("Site settings"), _l("Levels, privileges, reputation, flood limits, escalation and the SLA calendar.")),
    ("moderation.audit_page", _l("Audit log"), _l("Every moderator and administrator action.")),
    ("escalation.triage", _l("Triage"), _l("Cases waiting for an expert.")),
    ("escalation.my_cases", _l("My cases"), _l("Cases assigned to you.")),
    ("escalation.admin_groups", _l("Expert groups"), _l("Groups, their members and tags.")),
    ("replies.index", _l("Saved replies"), _l("Canned answers for the staff, in English and French.")),
    ("analytics.dashboard", _l("Analytics"), _l("Questions, answers, cases and deflection.")),
)


def _admin_links() -> list[dict]:
    links = []
    for endpoint, title, blurb in ADMIN_PAGES:
        view = current_app.view_functions.get(endpoint)
        if view is None:
            continue
        if all(perm.can(rule, current_user) for rule in getattr(view, "permission_rules", ())):
            links.append({"url": url_for(endpoint), "title": title, "blurb": blurb})
    return links


# ---- forms on thread pages ----

@bp.post("/threads/<id:thread_id>/flag")
@perm.signed_in
def flag_thread(thread_id: int):
    thread = thread_or_404(thread_id)
    flags.flag(db.session, thread, by=current_user, **load_form(FlagIn()))
    db.session.commit()
    flash(_("Thank you: moderators will look at it."))
    return _back(thread.id)


@bp.post("/posts/<id:post_id>/flag")
@perm.signed_in
def flag_post(post_id: int):
    post = post_or_404(post_id)
    thread_id = post.thread_id
    flags.flag(db.session, post, by=current_user, **load_form(FlagIn()))
    db.session.commit()
    flash(_("Thank you: moderators will look at it."))
    return _back(thread_id)


# What each thread action says once done, in the reader's language.
MODERATED = {
    "lock": _l("The thread is locked: no new answers or replies."),
    "unlock": _l("The thread is unlocked."),
    "pin": _l("The thread is pinned."),
    "unpin": _l("The thread is no longer pinned."),
    "close": _l("The thread is closed."),
    "reopen": _l("The thread is open again."),
    "move": _l("The thread was moved."),
    "mark_duplicate": _l("The thread is marked as a duplicate."),
}


@bp.post("/threads/<id:thread_id>/moderate")
@perm.signed_in
def moderate_thread(thread_id: int):
    thread = thread_or_404(thread_id)
    data = load_form(ModerateFormIn())
    confirmed = data.pop("confirm")
    if data["action"] == "merge":
        perm.check_moderate_thread(current_user, thread, "merge")
        into = threads.target_for_merge(db.session, current_user, data["target"])
        if not confirmed:
            # Nothing moves until the moderator has seen what will.
            preview = threads.merge_preview(db.session, thread, into, by=current_user)
            return render_template("moderation/merge_confirm.html", reason=data["reason"] or "",
                                   **preview)
        title = thread.title
        threads.moderate(db.session, thread, by=current_user, **data)
        db.session.commit()
        flash(_("“%(title)s” was merged into this question: its answers, votes and "
                "followers are here now.", title=title), "success")
        return redirect(thread_url(into), code=303)
    threads.moderate(db.session, thread, by=current_user, **data)
    db.session.commit()
    flash(str(MODERATED[data["action"]]), "success")
    return _back(thread_id)


@bp.post("/posts/<id:post_id>/official")
@perm.signed_in
def official(post_id: int):
    post = post_or_404(post_id)
    thread_id = post.thread_id
    official = load_form(OfficialIn())["official"]
    knowledge.mark_official(db.session, post, by=current_user, official=official)
    db.session.commit()
    flash(_("The answer is marked official.") if official
          else _("The answer is no longer marked official."), "success")
    return _back(thread_id)


@bp.get("/posts/<id:post_id>/history")
@perm.signed_in
def post_history(post_id: int):
    post = post_or_404(post_id)
    versions = knowledge.history(db.session, post, by=current_user)
    return render_template("moderation/history.html", versions=versions, thread=post.thread,
                           post=post)


@bp.get("/threads/<id:thread_id>/history")
@perm.signed_in
def thread_history(thread_id: int):
    thread = thread_or_404(thread_id)
    versions = knowledge.history(db.session, thread, by=current_user)
    return render_template("moderation/history.html", versions=versions, thread=thread, post=None)


@bp.post("/users/<username>/sanction")
@perm.requires(perm.require_moderator)
def sanction_user(username: str):
    target = get_user(db.session, username[:30])
    if target is None:
        raise NotFound(_("This person does not exist."))
    sanctions.sanction(db.session, target, by=current_user, **load_form(SanctionIn()))
    db.session.commit()
    flash(_("Done."))
    return redirect(url_for("pages.profile", username=target.username), code=303)
