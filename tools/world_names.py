"""Write the `world_names` block of guardrails/data/lexicons/first_names.yaml from Faker.

The census list in that file (1990, US) misses most names given since and most names
from outside the US and Western Europe ("Jaxon", "Paisley", "Amara", "Hamza",
"Priyanka"), and the NER model passes over many of them at the start of a sentence
or alone. Faker (MIT License) ships first names for many locales; this takes those
of the locales below that are plain capitalised words of three letters or more, not
already in the census list and not English words (an English word that is also a
name needs the evidence the PHI engine looks for, and the census list keeps only the
commonest of those).

Usage (Faker is not a dependency of Carepost; install it only to rebuild the list):
    pip install faker==40.40.0
    python tools/world_names.py            # rewrites the block in place
    python tools/world_names.py --check    # exit 1 if the file differs from a rebuild
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guardrails.phi.lexicon import load_dictionary  # noqa: E402

FIRST_NAMES = ROOT / "guardrails" / "data" / "lexicons" / "first_names.yaml"
DICTIONARY = "lexicons/english_words.yaml"
# English-speaking countries, and the languages most spoken at home in the US after English.
LOCALES = (
    "en_US", "en_GB", "en_IE", "en_NZ", "en_IN", "en_PK", "en_NG", "en_KE", "yo_NG", "ig_NG",
    "ha_NG", "tw_GH", "sw", "zu_ZA", "es_MX", "es_ES", "pl_PL", "vi_VN", "hi_IN",
)  # fmt: skip
_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
_PLAIN = re.compile(r"[A-Z][a-z]{2,}")
_BLOCK = re.compile(r"\nworld_names: >-\n(?:  .*\n)*", re.MULTILINE)


def faker_names() -> set[str]:
    found: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in _ATTRIBUTES:
            for name in getattr(provider, attribute, ()):
                if _PLAIN.fullmatch(name):
                    found.add(name.lower())
    return found


def census_names(text: str) -> set[str]:
    match = re.search(r"^names: >-\n((?:  .*\n)*)", text, re.MULTILINE)
    if match is None:
        raise SystemExit(f"{FIRST_NAMES}: no census `names` block")
    return set(match.group(1).split())


def rebuilt(text: str) -> str:
    names = faker_names() - census_names(text) - load_dictionary(DICTIONARY)
    body = textwrap.fill(" ".join(sorted(names)), width=98, initial_indent="  ", subsequent_indent="  ")
    block = f"\nworld_names: >-\n{body}\n"
    return _BLOCK.sub(lambda _: block, text) if _BLOCK.search(text) else text + block


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with a rebuild")
    args = parser.parse_args()
    text = FIRST_NAMES.read_text(encoding="utf-8")
    new = rebuilt(text)
    if args.check:
        return 0 if new == text else 1
    FIRST_NAMES.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
