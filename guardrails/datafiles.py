"""Load a YAML data file (limits, lexicons, word lists) and validate it, or refuse to start.

Rule families read their lexicons here from `prepare()`, never at import time.
A name is resolved inside the packaged `guardrails/data/` folder; an absolute
path (an operator's own file, or a test's) is read as given. Any problem —
missing file, bad YAML, a document that does not fit the model — raises
`ConfigError`, so a service with a broken lexicon does not run with an empty one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from guardrails.config import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_data_text(name: str) -> str:
    """The text of a packaged data file (`name` relative to guardrails/data) or of an absolute path."""
    try:
        if Path(name).is_absolute():
            return Path(name).read_text(encoding="utf-8")
        return resources.files("guardrails.data").joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read guardrail data file {name!r}: {type(exc).__name__}") from None


def load_data_file(name: str, model: type[ModelT]) -> ModelT:
    """Parse the YAML data file `name` and validate it against `model`."""
    try:
        # libyaml's safe loader when PyYAML was built with it: word lists load 5x faster.
        data = yaml.load(read_data_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ConfigError(f"guardrail data file {name!r} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"guardrail data file {name!r} must be a mapping")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"guardrail data file {name!r} is invalid: {exc}") from None
