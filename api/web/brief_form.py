"""The brief form: its fields as typed, turned into an `agents.brief.Brief`, and errors per field.

Field names follow the Brief's own (`media-0-alt_text` for nested ones), so a
pydantic error's location names the field it belongs to. Error text comes from
`api.problems.safe_field_errors`: where and why, never the value, since a brief
may hold PHI. The values themselves are only put back into the form's inputs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from agents.brief import Brief
from api.problems import safe_field_errors

MEDIA_ROWS = 3
FORM_LEVEL = "form"
TEXT_FIELDS = ("topic", "audience", "goal", "call_to_action", "observance")
CHOICE_DEFAULTS = {"pillar": "educational", "content_type": "post", "tone": "warm"}
CHOICE_FIELDS = tuple(CHOICE_DEFAULTS)
LIST_FIELDS = ("platforms", "product_ids", "consent_ids")
LINE_FIELDS = ("key_messages", "links")  # one per line in a textarea
_TAG_SPLIT = re.compile(r"[,\s]+")


@dataclass
class BriefForm:
    """What the person typed (strings and lists, for redisplay) and the errors by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def error(self, name: str, message: str) -> None:
        self.errors[name].append(message)


def empty_form() -> BriefForm:
    values: dict[str, Any] = dict.fromkeys((*TEXT_FIELDS, *LINE_FIELDS, "topics"), "")
    values.update({name: [] for name in LIST_FIELDS})
    values.update(CHOICE_DEFAULTS, variants="1")
    values.update(reply_text="", reply_rating="", reply_author="")
    values["media"] = [{"kind": "image", "description": "", "alt_text": ""} for _ in range(MEDIA_ROWS)]
    return values_form(values)


def values_form(values: dict[str, Any]) -> BriefForm:
    return BriefForm(values=values)


def read_form(form: FormData) -> BriefForm:
    """The submitted fields as strings and lists; nothing is validated yet."""

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    values: dict[str, Any] = {name: text(name) for name in (*TEXT_FIELDS, *LINE_FIELDS)}
    values.update({name: text(name) or default for name, default in CHOICE_DEFAULTS.items()})
    values.update({name: [v for v in form.getlist(name) if isinstance(v, str)] for name in LIST_FIELDS})
    values.update(
        topics=text("topics"),
        variants=text("variants"),
        reply_text=text("reply_text"),
        reply_rating=text("reply_rating"),
        reply_author=text("reply_author"),
    )
    values["media"] = [
        {
            "kind": text(f"media-{i}-kind") or "image",
            "description": text(f"media-{i}-description"),
            "alt_text": text(f"media-{i}-alt_text"),
        }
        for i in range(MEDIA_ROWS)
    ]
    return values_form(values)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def to_brief(form: BriefForm) -> Brief | None:
    """The Brief, or None with `form.errors` filled in."""
    values = form.values
    data: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if values[name].strip():
            data[name] = values[name]
    for name in CHOICE_FIELDS:
        data[name] = values[name]
    for name in LIST_FIELDS:
        data[name] = list(values[name])
    for name in LINE_FIELDS:
        data[name] = _lines(values[name])
    data["topics"] = [tag for tag in _TAG_SPLIT.split(values["topics"].strip().lower()) if tag]
    try:
        data["variants"] = int(values["variants"] or "1")
    except ValueError:
        form.error("variants", "Enter a whole number from 1 to 3.")
    # Only the rows in use become media; remember which row each came from, for its errors.
    rows = values["media"]
    used_rows = [i for i, row in enumerate(rows) if row["description"].strip() or row["alt_text"].strip()]
    data["media"] = [
        {key: rows[i][key] for key in ("description", "alt_text") if rows[i][key].strip()}
        | {"kind": rows[i]["kind"]}
        for i in used_rows
    ]
    if values["reply_text"].strip():
        reply: dict[str, Any] = {"text": values["reply_text"]}
        if values["reply_author"].strip():
            reply["author"] = values["reply_author"]
        if values["reply_rating"].strip():
            try:
                reply["rating"] = int(values["reply_rating"])
            except ValueError:
                form.error("reply_rating", "Choose a star rating from 1 to 5, or none.")
        data["reply_to"] = reply
    if form.errors:
        return None
    try:
        return Brief.model_validate(data)
    except ValidationError as exc:
        for raw in exc.errors(include_input=False):
            if not raw["loc"] and raw["type"] == "value_error":
                # The brief's own cross-field checks (agents.brief.Brief._coherent): fixed sentences.
                form.error(FORM_LEVEL, _sentence(raw["msg"].removeprefix("Value error, ")))
                continue
            for error in safe_field_errors([raw]):
                loc = list(error.loc)
                if len(loc) > 2 and loc[0] == "media" and isinstance(loc[1], int):
                    loc[1] = used_rows[loc[1]]
                form.error(*field_of(loc, error.msg))
        return None


def field_of(loc: list[str | int], message: str) -> tuple[str, str]:
    """The form field a pydantic error location belongs to, and its message for a person."""
    message = message.removeprefix("Value error, ")
    if not loc:
        return FORM_LEVEL, _sentence(message)
    head = str(loc[0])
    if head in LINE_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
        return head, f"Line {loc[1] + 1}: {_sentence(message)}"
    if head in ("topics", "product_ids", "consent_ids", "platforms") and len(loc) > 1:
        return head, f"Item {int(loc[1]) + 1 if isinstance(loc[1], int) else 1}: {_sentence(message)}"
    if head == "media" and len(loc) > 2:
        return f"media-{loc[1]}-{loc[2]}", _sentence(message)
    if head == "reply_to":
        return ("reply_" + str(loc[1]) if len(loc) > 1 else "reply_text"), _sentence(message)
    return head, _sentence(message)


def _sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return "This value is not valid."
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")
