"""The guard on audit event details: identifiers, codes, hashes and counts only, never free text.

Audit rows are kept for years and exported; a free-text value there (a patient's
name, a sentence from a draft, a reason typed by a reviewer) would make the
trail a second copy of PHI. So every string must look like an identifier or a
code, and the values that identifiers of people take (e-mail addresses, phone,
SSN and date shapes) are refused even though they contain no spaces. Errors
name the offending key path, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 3
MAX_ITEMS = 200
MAX_STRING = 200

KEY = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
# Identifiers and codes: ids, slugs, rule ids, document ids, hex digests. No whitespace, no "@".
TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/~+=-]*$")
PERSON_SHAPED = (
    re.compile(r"^\d{3}-\d{2}-\d{4}$"),  # SSN
    re.compile(r"^\+?[\d().-]{7,}$"),  # phone and fax numbers
    re.compile(r"^\d{1,4}[-/]\d{1,2}[-/]\d{1,4}"),  # dates (a patient's dates are identifiers)
)


class AuditDetailsError(ValueError):
    """Details that could carry content rather than ids and counts; the message names the key only."""


def check_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Return `details` as a plain dict, or raise AuditDetailsError."""
    return _mapping(details, "details", 1)


def _mapping(value: Mapping[str, Any], path: str, depth: int) -> dict[str, Any]:
    if len(value) > MAX_ITEMS:
        raise AuditDetailsError(f"{path}: more than {MAX_ITEMS} entries")
    checked: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not KEY.match(key):
            raise AuditDetailsError(f"{path}: keys must be lowercase identifiers")
        checked[key] = _value(item, f"{path}.{key}", depth)
    return checked


def _value(value: Any, path: str, depth: int) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if len(value) > MAX_STRING or not TOKEN.match(value) or any(p.match(value) for p in PERSON_SHAPED):
            raise AuditDetailsError(
                f"{path}: only identifiers, codes, hashes and counts may be audited, not free text"
            )
        return value
    if depth >= MAX_DEPTH:
        raise AuditDetailsError(f"{path}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        return _mapping(value, path, depth + 1)
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            raise AuditDetailsError(f"{path}: more than {MAX_ITEMS} items")
        return [_value(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    # Floats are refused too: their text form differs between backends, and hashes must not.
    raise AuditDetailsError(f"{path}: values must be strings, integers, booleans, lists or objects")
