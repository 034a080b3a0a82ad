"""Marshmallow's own validation sentences in the reader's language.

Marshmallow writes them in English when a field or validator fails; ``load`` passes
each through ``translate`` on its way to the error envelope or the form, so a French
reader never sees "Missing data for required field." A sentence not listed here (a
custom one) is already translated where it was written and goes through unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

_SENTENCES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"Missing data for required field\."), lambda m: _("This field is required.")),
    (re.compile(r"Field may not be null\."), lambda m: _("This field cannot be empty.")),
    (re.compile(r"Invalid value\."), lambda m: _("This value is not valid.")),
    (re.compile(r"Not a valid (?:utf-8 )?string\."), lambda m: _("Enter text.")),
    (re.compile(r"Not a valid integer\."), lambda m: _("Enter a whole number.")),
    (re.compile(r"Not a valid number\.|Number too large\."), lambda m: _("Enter a number.")),
    (re.compile(r"Not a valid boolean\."), lambda m: _("Choose yes or no.")),
    (re.compile(r"Not a valid email address\."), lambda m: _("Enter a valid email address.")),
    (re.compile(r"Not a valid URL\."), lambda m: _("Enter a valid web address.")),
    (re.compile(r"Not a valid list\."), lambda m: _("Send a list of values.")),
    (re.compile(r"Not a valid mapping type\.|Invalid (?:input )?type\."),
     lambda m: _("Send an object here.")),
    (re.compile(r"Not a valid (?:datetime|date)\."), lambda m: _("Enter a valid date.")),
    (re.compile(r"Shorter than minimum length (\d+)\."),
     lambda m: _("Write at least %(n)s characters.", n=m[1])),
    (re.compile(r"Longer than maximum length (\d+)\."),
     lambda m: _("Write at most %(n)s characters.", n=m[1])),
    (re.compile(r"Length must be between (\d+) and (\d+)\."),
     lambda m: _("Write between %(min)s and %(max)s characters.", min=m[1], max=m[2])),
    (re.compile(r"Must be greater than or equal to (-?[\d.]+) and less than or equal to (-?[\d.]+)\."),
     lambda m: _("Enter a value from %(min)s to %(max)s.", min=m[1], max=m[2])),
    (re.compile(r"Must be greater than or equal to (-?[\d.]+)\."),
     lambda m: _("Enter %(min)s or more.", min=m[1])),
    (re.compile(r"Must be less than or equal to (-?[\d.]+)\."),
     lambda m: _("Enter %(max)s or less.", max=m[1])),
    (re.compile(r"Must be one of: (.*)\.", re.S), lambda m: _("Choose one of: %(choices)s.", choices=m[1])),
    (re.compile(r"Contains characters that are not allowed\."),
     lambda m: _("This text contains characters that are not allowed.")),
]


def translate(sentence: str) -> str:
    for pattern, say in _SENTENCES:
        if match := pattern.fullmatch(sentence):
            return say(match)
    return sentence
