"""How long what people write may be: the one place that the models' columns, the
settings' defaults, the schemas and the forms' ``maxlength`` attributes (the Jinja
global ``LENGTHS``) read."""

from __future__ import annotations

# Titles: the column holds TITLE_MAX; the TITLE_LENGTH setting may only narrow it.
TITLE_MIN = 15
TITLE_MAX = 255
BODY_MIN, BODY_MAX = 20, 32_000  # a thread's body (BODY_LENGTH)
POST_MIN, POST_MAX = 2, 32_000  # an answer (POST_LENGTH)
TAG_MAX = 35
TAG_DESCRIPTION_MAX = 2000
TAGS_MAX = 20  # tags a request may carry; MAX_TAGS says how many a thread keeps
USERNAME_MAX = 30
DISPLAY_NAME_MAX = 80
EMAIL_MAX = 254
PASSWORD_MAX = 1000
REASON_MAX = 1000  # a flag's note, a moderator's reason
ARTICLE_NOTE_MAX = 200  # what an article's edit changed, as its history shows
SANCTION_REASON_MAX = 2000
IDEA_NOTE_MAX = 2000
CASE_NOTE_MAX = 10_000
CASE_REASON_MAX = 500  # "ask an expert"
AMBASSADOR_NOTE_MAX = 500
SEARCH_QUERY_MAX = 256
WORD_MAX = 100  # a watched word and its replacement
ORGANISATION_NAME_MAX = 100
EXTERNAL_REF_MAX = 100  # a CRM's id for a case or an organisation
TIER_MAX = 32
# A draft holds what the form it saves would accept: a new thread's title and body, or
# an answer (the longer of the two body limits). Its key names the form: "thread:<id>"
# or "new:<space id>".
DRAFT_KEY_MAX = 40
DRAFT_BODY_MAX = max(BODY_MAX, POST_MAX)

# Schemas refuse a far longer text outright (the services give the precise message):
# a field many times its limit is not a typo and is not worth processing.
TEXT_CAP = 100_000


def as_dict() -> dict[str, int]:
    return {name: value for name, value in globals().items() if name.isupper()}
SAVED_REPLY_TITLE_MAX = 120
SAVED_REPLY_BODY_MAX = 10_000  # a saved reply's body in one language (a post holds POST_MAX)
DEMAND_REF_MAX = 500  # "a question or case": its address or number, as typed
SITE_SETTING_KEY_MAX = 40  # a site setting's key: the name of the setting it overrides
LEVEL_NAME_MAX = 40  # a level's name on the site settings page
RATE_LIMIT_TEXT_MAX = 200  # a flood limit as typed: "5 per minute;50 per hour"
HOLIDAYS_TEXT_MAX = 4000  # the SLA calendar's holidays, as typed (one date a line)
