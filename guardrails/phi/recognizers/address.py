"""Street addresses and ZIP codes (Safe Harbor B: geographic units smaller than a state)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer

_WORD = r"(?-i:[A-Z][A-Za-z'-]+|\d{1,3}(?:st|nd|rd|th))"
_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Ter"
    r"|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Trail|Trl|Square|Sq|Plaza|Row|Crescent|Close|Loop|Pike|Alley"
    r"|Grove|Heights|Hts|Walk|Mews|Gardens|Run|Crossing|Xing|Ridge|Bend|Hollow|Glen|Point|Pt|Commons)"
)
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?[A-Z0-9-]{1,6})?"
# An abbreviated suffix may carry its full stop ("St."); a full word's is the sentence's.
_ABBREVIATION_DOT = r"(?:(?<=(?-i:\b(?:St|Ave|Rd|Dr|Ln|Blvd|Ct|Pl|Ter|Cir|Pkwy|Hwy|Trl|Sq|Hts)))\.)?"
# The town, state and ZIP that may follow: ", Cambridge", ", Riverbend, OR 97420".
_TOWN = (
    r"(?:,\s+(?-i:\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+){0,2})(?:,?\s+(?-i:[A-Z]{2})\b(?:\s+\d{5}(?:-\d{4})?)?)?)?"
)
STREET = (
    rf"\b\d{{1,6}}[A-Z]?\s+(?:(?-i:[NSEW])\.?\s+)?(?:{_WORD}\s+){{1,4}}(?-i:{_SUFFIX})\b"
    rf"{_ABBREVIATION_DOT}{_UNIT}{_TOWN}"
)
PO_BOX = r"\b(?:P\.?\s?O\.?\s+Box|Post\s+Office\s+Box)\s+\d{1,6}\b"


class StreetAddressRecognizer(DataRecognizer):
    ENTITY = "STREET_ADDRESS"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("street address", STREET, 0.7),
        Pattern("po box", PO_BOX, 0.7),
    )


class ZipCodeRecognizer(DataRecognizer):
    ENTITY = "ZIP_CODE"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("zip after state", r"(?<=(?-i:\b[A-Z]{2})\s{1,2})\d{5}(?:-\d{4})?\b", 0.6),
        Pattern(
            "zip after keyword", r"(?<=\b(?:zip|zip\s*code|postal\s+code)\s*[:#]?\s*)\d{5}(?:-\d{4})?\b", 0.9
        ),
        Pattern("zip before address", r"\b\d{5}(?=\s+(?:address|area|zip\s*code)\b)", 0.5),
        Pattern("uk postcode", r"(?-i:\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b)", 0.5),
    )


# Words that make "X of Y" an institution ("Department of Health"), not where someone lives.
_INSTITUTION = (
    r"(?:Health|Medicine|Care|Science|Sciences|Nursing|Public|Pediatrics|Surgery|Dentistry|Pharmacy|Our|The)"
)


class ResidencePlaceRecognizer(DataRecognizer):
    """A place right after a person's name: "Priya from Lakewood", "Daniel Ochoa, 16, of Pine Ridge"."""

    ENTITY = "LOCATION"
    PATTERNS = (
        Pattern(
            "place after a name",
            r"(?<=(?-i:\b\p{Lu}\p{Ll}+)(?:,\s\d{1,3},)?\s(?:of|from)\s)"
            rf"(?-i:(?!{_INSTITUTION}\b)\p{{Lu}}\p{{Ll}}+(?:\s(?!{_INSTITUTION}\b)\p{{Lu}}\p{{Ll}}+)?)\b",
            0.45,
        ),
        # "to your place on Cobblestone Lane": a named street without a house number
        Pattern(
            "named street",
            r"(?<=\b(?:on|off|along|near)\s)(?-i:\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+){0,2})\s"
            r"(?-i:Street|Avenue|Road|Drive|Lane|Boulevard|Court|Terrace|Circle|Trail)\b",
            0.45,
        ),
        # "the Northgate neighborhood", "the Pinecrest apartments"
        Pattern(
            "neighbourhood name",
            r"(?-i:\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+)?)(?=\s+(?:neighbou?rhood|apartments|subdivision|trailer\s+park"
            r"|mobile\s+home\s+park|housing\s+project|projects)\b)",
            0.5,
        ),
    )
