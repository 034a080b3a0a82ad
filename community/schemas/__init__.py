"""Marshmallow schemas: <Thing>In validates input, <Thing>Out dumps output.

Every view reads its input here: the API's JSON bodies through ``load``, HTML forms and
query strings through ``load_form`` / ``load_query`` (the same schemas), page numbers
through ``PageArgs``."""

from __future__ import annotations

import functools
import re

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, missing, validate

from ..errors import BadRequest, ValidationFailed
from .messages import translate

# A page number past this is refused by the API and shows page 1 on pages: past it,
# OFFSET arithmetic only makes the database scan for nothing.
MAX_PAGE = 10_000_000


class Text(fields.String):
    """A string with no NUL byte and no lone surrogate: both crash drivers downstream."""

    default_error_messages = {"invalid_chars": "Contains characters that are not allowed."}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise self.make_error("invalid_chars")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise self.make_error("invalid_chars") from exc
        return value


class AtMost(validate.Validator):
    """A length limit in the services' own (translated) words."""

    def __init__(self, n: int):
        self.n = n

    def __call__(self, value):
        if value is not None and len(value) > self.n:
            raise ValidationError(_("Write at most %(n)s characters.", n=self.n))
        return value


class In(Schema):
    class Meta:
        # Unknown fields (author_id, score, role…) are dropped, never applied.
        unknown = "exclude"


class PageArgs(In):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1))


def _flat(messages) -> list[str]:
    """Nested errors (``{"tags": {0: [...]}}``) as plain sentences under the field's name."""
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list | tuple):
        return [m for value in messages for m in _flat(value)]
    return [translate(str(messages))]


def load(schema: Schema, data) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.", {"_schema": ["Expected an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        fields_ = {k: _flat(v) for k, v in messages.items()}
        names = ", ".join(sorted(fields_))
        raise ValidationFailed(_("Some fields are not valid: %(names)s.", names=names),
                               fields_) from exc


_WHOLE = re.compile(r"-?[0-9]{1,18}")
_SEPARATORS = re.compile(r"[,\s]+")
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")


def _value(field: fields.Field, values: list[str]):
    """One form field as the API's JSON would send it."""
    if isinstance(field, fields.List):
        if isinstance(field.inner, fields.String):
            # A text box of words ("a, b c") or repeated keys, the same list either way.
            return [word for v in values for word in _SEPARATORS.split(v) if word]
        return [_value(field.inner, [v]) for v in values]
    raw = values[0]  # as request.form.get: the first of repeated keys
    if isinstance(field, fields.Boolean):
        low = raw.lower()
        return True if low in _TRUE else False if low in _FALSE else raw
    if isinstance(field, fields.Integer):
        return int(raw) if _WHOLE.fullmatch(raw.strip()) else raw
    return raw


def from_multidict(schema: Schema, source) -> dict:
    """A form or query string as the JSON object the API's schema reads. An empty field
    that has a default is absent (the default applies); an empty required one is kept,
    so the schema or the service names it."""
    data = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        values = source.getlist(key)
        if not values:
            continue
        if values == [""] and field.load_default is not missing:
            continue
        data[key] = _value(field, values)
    return data


def load_form(schema: Schema, **extra) -> dict:
    """``request.form`` through ``schema``; ``extra`` adds what the URL or the page knows.
    A ValidationFailed names each field: pages re-render the form with
    ``submitted()``, the API answers with the error envelope."""
    # A form whose field names carry data (one box per notification verb) reads itself.
    reader = getattr(schema, "from_form", None)
    data = reader(request.form) if reader else from_multidict(schema, request.form)
    return load(schema, {**data, **extra})


@functools.cache
def _one(schema_class: type[Schema]) -> Schema:
    # One shared instance per query schema: building a Schema costs more than loading a
    # query string with it, and loading changes nothing on it.
    return schema_class()


def load_query(schema_class: type[Schema]) -> dict:
    """``request.args`` through the schema (a page's filters, the API's query parameters)."""
    schema = _one(schema_class)
    return load(schema, from_multidict(schema, request.args))


def query_choices(schema_class: type[Schema]) -> dict:
    """A page's filters, leniently: a value the schema refuses is left out (its default
    applies), as a link with a stale or mistyped filter still shows the list."""
    schema = _one(schema_class)
    data = from_multidict(schema, request.args)
    try:
        return load(schema, data)
    except ValidationFailed as exc:
        return load(schema, {k: v for k, v in data.items() if k not in exc.fields})


def submitted(*names: str, **defaults: str) -> dict[str, str]:
    """The text the person typed in each named field, to put back in a re-rendered form
    (``defaults``: what the form shows for a field that was not sent, e.g. on a GET)."""
    values = {name: request.form.get(name, "") for name in names}
    values.update({name: request.form.get(name, default) for name, default in defaults.items()})
    return values


def page_number() -> int:
    """Pages: ``?page=`` that is not a whole number from 1 to MAX_PAGE shows page 1."""
    return query_choices(PageArgs)["page"]


def page_args(default_per_page: int, max_per_page: int) -> tuple[int, int]:
    """The API: a bad ``page`` or ``per_page`` is a 400 naming it; ``per_page`` above the
    maximum is clamped."""
    try:
        data = load_query(PageArgs)
    except ValidationFailed as exc:
        names = ", ".join(sorted(exc.fields))
        raise BadRequest(_("Not a valid page: %(names)s must be a whole number from 1 to %(max)s.",
                           names=names, max=MAX_PAGE), exc.fields) from None
    return data["page"], min(data["per_page"] or default_per_page, max_per_page)


__all__ = ["MAX_PAGE", "AtMost", "In", "PageArgs", "Schema", "Text", "fields", "from_multidict", "load",
           "load_form", "load_query", "page_args", "page_number", "query_choices", "submitted",
           "validate"]
