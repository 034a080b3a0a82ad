"""Marshmallow schemas: <Thing>In validates input, <Thing>Out dumps output."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from ..errors import ValidationFailed


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


class In(Schema):
    class Meta:
        # Unknown fields (author_id, score, role…) are dropped, never applied.
        unknown = "exclude"


def _flat(messages) -> list[str]:
    """Nested errors (``{"tags": {0: [...]}}``) as plain sentences under the field's name."""
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list | tuple):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]


def load(schema: Schema, data) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.", {"_schema": ["Expected an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        fields_ = {k: _flat(v) for k, v in messages.items()}
        names = ", ".join(sorted(fields_))
        raise ValidationFailed(f"Some fields are not valid: {names}.", fields_) from exc


__all__ = ["In", "Schema", "Text", "fields", "load", "validate"]
