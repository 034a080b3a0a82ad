"""English and French: the account's language, else the reader's choice in this
browser, else the browser's, else English. Dates in the account's time zone, else the
site's (BABEL_DEFAULT_TIMEZONE)."""

from __future__ import annotations

import pytz
from babel.dates import get_datetime_format
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_login import current_user

from .extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # A command or a worker: nobody's browser to ask. Texts for a person are
        # rendered under force_locale with their account's language.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # The stored language wins over this browser's: a member who chose French from
    # their phone reads French here too, as in their emails and toasts.
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


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
