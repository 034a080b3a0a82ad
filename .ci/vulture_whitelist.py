"""Names vulture cannot see used: reached by frameworks or by name, not by a call.

Framework-called functions need no entry: pyproject's [tool.vulture] ignores what
carries a route, CLI, Socket.IO, Flask-Login, SQLAlchemy-event or domain-event
decorator. community/config.py is excluded: settings are read by key
(``app.config["..."]``). Anything else listed here says why it stays.
"""

# ruff: noqa
_ = object()

# Werkzeug URL converter (community.IdConverter) and the app factory (wsgi, tests).
regex
_.to_python
_.to_url
create_app

# SQLAlchemy TypeDecorator protocol (models.base).
impl
cache_ok
_.process_bind_param
_.process_result_value

# Flask reads the app's session interface (security.SessionCookies) and calls it.
_.session_interface
_.open_session

# Flask-Login: user loader protocol, settings, and the cached caller on ``g``.
_.get_id
_.login_view
_.session_protection
_._login_user

# python-socketio's Redis manager hooks that pusher.QueueingRedisManager overrides.
_._redis_connect
_._publish
_.connected

# marshmallow: field error messages, Meta options, and output fields named as the
# attributes they dump (read by name, so vulture sees neither side).
default_error_messages
Meta
is_accepted
answer_count
status_note
duplicate_of
reversed
_.flag_rows  # set on the queue item for ModerationItemOut(attribute="flag_rows")
_.content_html
_.note_list
_.visible_thread  # set on ledger rows for the history page and schema
_.visible_thread_id
_.visible_post_id

# Model columns written or read by name (constructors, templates, raw SQL, audits).
opened_by_id
resolved_by
resolved_by_id
created_by_id
lifted_by_id
merged_by_id
promoted_by_id
deleted_by_id
editor_id
first_response_seconds
resolution_seconds
last_sign_in_at  # user_identity: when single sign-on last used it, for operators
_.status_code  # Flask Response attribute
_.writeable  # numpy array flag

# The allowed values of a column, next to the tuples that validate their siblings.
RESOLUTION_KINDS
SANCTION_KINDS
FOLLOW_TARGETS
EMAIL_STATES

# Event payload read by no subscriber yet, kept so the event says what happened.
old_value
old_status
email_id  # AccountEmailQueued: the mailer wakes and reads its queue

# Account emails (issue 15): a column kept for operators, an output field.
sent_at
email_verified

# Signal and event listener signatures fixed by blinker and SQLAlchemy.
sender
flush_context
instances
mapper

# Uploads: an output field of POST /api/v1/uploads (UploadOut), dumped from a dict.
thumbnail_url

# Marks a view as guarded by permissions.requires; tests/test_view_guards.py reads it.
_.permission_rules

# g flag read with g.get() by the page cache's CSRF placeholder.
_.csrf_placeholder

# Reached only from tests today; their owners decide (issue 21, other bullets).
renew  # ambassadors: the views and API renew through confirm()
_.can_sign_in  # importer tests: imported authors have no password

# Profile fields: the bio's HTML is read by templates and the output schema, the
# password change's input fields by name from the loaded dict.
bio_html
_.bio_html
current_password
new_password
# Length limits read by community/config.py (excluded above) for the settings' defaults.
TITLE_MIN
BODY_MIN
BODY_MAX
POST_MIN
POST_MAX

# Schema fields read by key from the loaded dict (``data["saved"]``).
saved
# Analytics columns: written from dicts built by name (analytics/facts.py), read by
# the export and the figures through getattr and SQL.
first_response_by_id
case_opened_at
case_first_response_at
case_resolved_at
questions
solved
by_peer
by_ambassador
by_staff
by_case
sla_met
sla_breached
first_by_ambassador
# The packed durations (analytics/rollups.py), written and read by name.
first_response
first_response_business
case_response_business

# The query string's "from", a Python keyword: loaded under its data key.
from_

# Werkzeug response attributes set by views (they become headers).
last_modified
# Webhooks: delivery-log columns read by the output schema and the log template, and
# what targets.py overrides or sets on urllib3 and requests objects (read by them).
delivered_at
response_excerpt
disabled_at
_new_conn
pool_classes_by_scheme
trust_env
# Ideas linked to demand: who linked it (kept for the record, like created_by_id), and
# the API schema's marshmallow validator.
linked_by_id
_one
# Replies by email: aiosmtpd calls its handler's hooks by name (mailin.smtp.ReplyHandler);
# when a reply arrived is kept for operators looking into a delivery.
_.handle_RCPT
_.handle_DATA
received_at

# gunicorn's settings and hooks, read by name from community/production.py (its config module).
worker_class
workers
worker_connections
timeout
graceful_timeout
keepalive
limit_request_line
limit_request_fields
accesslog
errorlog
raw_env
proc_name
post_worker_init
worker_exit
# Site settings: who last changed a setting (kept for the record, like created_by_id), a
# length only templates read (LENGTHS), a field of the API's marshmallow schema, and the
# time site_rules last read the version, kept on flask.g (read with g.get).
updated_by_id
HOLIDAYS_TEXT_MAX
flood_limits
_site_rules_checked
# Knowledge articles: output fields dumped from a dict (api/articles.py ArticleOut) and a
# form/JSON field read through the schema's loaded dict (moderation/schemas.py PromoteIn).
source_thread_id
credit
