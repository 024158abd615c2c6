"""Versioned prompt files (`<name>.v<N>.md`). A prompt change is a new version, so drafts can cite theirs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_FIELD = re.compile(r"\{([a-z_]+)\}")
# The prompt files drafting uses now; a draft records it, and the echo check reads the same files.
PROMPT_VERSION = "v1"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: str

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    def fields(self) -> set[str]:
        return set(_FIELD.findall(self.template))

    def wording(self) -> list[str]:
        """The template's own text between its fields: what no filled-in value contributes."""
        return [part for part in _FIELD.split(self.template)[::2] if part.strip()]

    def render(self, **values: str) -> str:
        """Fill every {field}; a missing or unknown field is an error, not an empty string."""
        if missing := self.fields() - values.keys():
            raise KeyError(f"prompt {self.id} needs {', '.join(sorted(missing))}")
        if unknown := values.keys() - self.fields():
            raise KeyError(f"prompt {self.id} has no field {', '.join(sorted(unknown))}")
        return _FIELD.sub(lambda m: values[m.group(1)], self.template)


def load_prompt(name: str, version: str = PROMPT_VERSION) -> Prompt:
    text = resources.files(__package__).joinpath(f"{name}.{version}.md").read_text(encoding="utf-8")
    return Prompt(name=name, version=version, template=text)


PROMPT_NAMES = ("draft", "reply", "revise")


@lru_cache(maxsize=4)
def instruction_wording(version: str = PROMPT_VERSION) -> tuple[str, ...]:
    """The fixed wording of every drafting prompt of `version`, for the guardrails' `echo` family."""
    return tuple(part for name in PROMPT_NAMES for part in load_prompt(name, version).wording())
