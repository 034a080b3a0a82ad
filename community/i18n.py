"""English and French: the account's language, else the reader's choice in this
browser, else the browser's, else English. Dates in the account's time zone, else the
site's (BABEL_DEFAULT_TIMEZONE)."""

from __future__ import annotations

from functools import lru_cache

import pytz
from babel import Locale
from babel.dates import get_datetime_format
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .extensions import babel


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    # Flask-Babel parses the selector's answer on every request unless it is a Locale.
    return Locale.parse(code)


@lru_cache(maxsize=512)
def _browser_choice(header: str, languages: tuple, default: str) -> str:
    # Browsers send a handful of distinct headers; parsing one costs more than the
    # rest of choosing.
    return parse_accept_header(header, LanguageAccept).best_match(languages) or default


def select_locale() -> Locale:
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        # A command or a worker: nobody's browser to ask. Texts for a person are
        # rendered under force_locale with their account's language.
        return _locale(default)
    # The stored language wins over this browser's: a member who chose French from
    # their phone reads French here too, as in their emails and toasts.
    user = current_user._get_current_object()
    if getattr(user, "is_authenticated", False) and user.locale in languages:
        return _locale(user.locale)
    chosen = session.get("lang")
    if chosen in languages:
        return _locale(chosen)
    header = request.headers.get("Accept-Language", "")
    if not header:
        return _locale(default)
    if len(header) > 200:  # no browser's; not worth a place in the cache
        return _locale(_browser_choice.__wrapped__(header, tuple(languages), default))
    return _locale(_browser_choice(header, tuple(languages), default))


def chosen_timezone() -> str | None:
    """The IANA name the signed-in reader chose in their settings, or None."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return None
    name = current_user.timezone
    # Babel formats with pytz: a name it does not know is not used, never an error.
    return name if name in pytz.all_timezones_set else None


def _datetime(value, fmt: str = "medium") -> str:
    if not value:
        return ""
    if fmt == "medium":
        # Babel's medium time carries seconds ("11:30:00 PM"): nobody reads a post's time
        # to the second, so the medium date and the short time, joined the locale's way.
        joined = get_datetime_format("medium", locale=get_locale())
        return joined.replace("{1}", format_date(value, "medium")).replace(
            "{0}", format_time(value, "short"))
    return format_datetime(value, fmt)


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=chosen_timezone)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["datetime"] = _datetime
    # A day without a time ("Member since"), in the reader's zone and language.
    app.jinja_env.filters["day"] = lambda value, fmt="long": (
        format_date(value, fmt) if value else ""
    )
