"""Presidio entity types mapped to our Safe Harbor `Entity`, with the letter each one cites."""

from __future__ import annotations

from guardrails.findings import Entity

ENTITY_OF: dict[str, Entity] = {
    "PERSON": Entity.PERSON,
    "LOCATION": Entity.LOCATION,
    "STREET_ADDRESS": Entity.LOCATION,
    "ZIP_CODE": Entity.LOCATION,
    "DATE": Entity.DATE,
    "AGE": Entity.AGE,
    "PHONE_NUMBER": Entity.PHONE,
    "FAX_NUMBER": Entity.FAX,
    "EMAIL_ADDRESS": Entity.EMAIL,
    "US_SSN": Entity.SSN,
    "MRN": Entity.MRN,
    "HEALTH_PLAN_ID": Entity.HEALTH_PLAN_ID,
    "ACCOUNT_NUMBER": Entity.ACCOUNT_NUMBER,
    "CREDIT_CARD": Entity.ACCOUNT_NUMBER,
    "IBAN_CODE": Entity.ACCOUNT_NUMBER,
    "LICENSE_NUMBER": Entity.LICENSE_NUMBER,
    "NPI": Entity.LICENSE_NUMBER,
    "VEHICLE_ID": Entity.VEHICLE_ID,
    "DEVICE_ID": Entity.DEVICE_ID,
    "URL": Entity.URL,
    "IP_ADDRESS": Entity.IP_ADDRESS,
    "BIOMETRIC_ID": Entity.BIOMETRIC_ID,
    "PHOTO": Entity.PHOTO,
    "SOCIAL_HANDLE": Entity.SOCIAL_HANDLE,
    "ROOM_BED": Entity.OTHER_ID,
    "OTHER_ID": Entity.OTHER_ID,
}

# 45 CFR 164.514(b)(2)(i): the paragraph letter of each kind of identifier.
SAFE_HARBOR_LETTER: dict[Entity, str] = {
    Entity.PERSON: "A",
    Entity.LOCATION: "B",
    Entity.DATE: "C",
    Entity.AGE: "C",
    Entity.PHONE: "D",
    Entity.FAX: "E",
    Entity.EMAIL: "F",
    Entity.SSN: "G",
    Entity.MRN: "H",
    Entity.HEALTH_PLAN_ID: "I",
    Entity.ACCOUNT_NUMBER: "J",
    Entity.LICENSE_NUMBER: "K",
    Entity.VEHICLE_ID: "L",
    Entity.DEVICE_ID: "M",
    Entity.URL: "N",
    Entity.IP_ADDRESS: "O",
    Entity.BIOMETRIC_ID: "P",
    Entity.PHOTO: "Q",
    Entity.SOCIAL_HANDLE: "R",
    Entity.OTHER_ID: "R",
}

# Plain-language names for messages (never the matched text).
DESCRIPTION: dict[Entity, str] = {
    Entity.PERSON: "a name",
    Entity.LOCATION: "a place smaller than a state (street, town, ZIP, employer or school)",
    Entity.DATE: "a date tied to an individual (birth, admission, discharge, visit, death)",
    Entity.AGE: "an age over 89",
    Entity.PHONE: "a phone number",
    Entity.FAX: "a fax number",
    Entity.EMAIL: "an e-mail address",
    Entity.SSN: "a Social Security number",
    Entity.MRN: "a medical record number",
    Entity.HEALTH_PLAN_ID: "a health plan member number",
    Entity.ACCOUNT_NUMBER: "an account number",
    Entity.LICENSE_NUMBER: "a licence or certificate number",
    Entity.VEHICLE_ID: "a vehicle plate or identifier",
    Entity.DEVICE_ID: "a device serial number",
    Entity.URL: "a personal web address",
    Entity.IP_ADDRESS: "an IP address",
    Entity.BIOMETRIC_ID: "a biometric identifier",
    Entity.PHOTO: "a reference to a photo of the person",
    Entity.SOCIAL_HANDLE: "a social-media handle",
    Entity.OTHER_ID: "a room, bed or other identifying number",
}

# On overlap the higher rank wins: a specific identifier over a date or a name read
# into it (presidio's defaults read an MRN as a date and "DOB" as an organisation).
RANK: dict[str, int] = {
    "EMAIL_ADDRESS": 9,
    "US_SSN": 8,
    "MRN": 8,
    "HEALTH_PLAN_ID": 8,
    "DEVICE_ID": 8,
    "BIOMETRIC_ID": 8,
    "LICENSE_NUMBER": 8,
    "NPI": 8,
    "VEHICLE_ID": 8,
    "ACCOUNT_NUMBER": 8,
    "CREDIT_CARD": 8,
    "IBAN_CODE": 8,
    "OTHER_ID": 7,
    "ROOM_BED": 7,
    "IP_ADDRESS": 7,
    "URL": 6,
    "SOCIAL_HANDLE": 6,
    "PHONE_NUMBER": 5,
    "FAX_NUMBER": 5,
    "STREET_ADDRESS": 4,
    "ZIP_CODE": 4,
    "AGE": 4,
    "DATE": 4,
    "PHOTO": 4,
    "PERSON": 3,
    "LOCATION": 2,
    "ORGANIZATION": 1,
}


# Identifiers that are a patient's whenever the text is about care (nobody publishes
# the organisation's own MRN); the context judge tells product codes and staff licences apart.
ALWAYS_PERSONAL = frozenset(
    {
        Entity.MRN,
        Entity.HEALTH_PLAN_ID,
        Entity.SSN,
        Entity.BIOMETRIC_ID,
        Entity.DEVICE_ID,
        Entity.ACCOUNT_NUMBER,
        Entity.VEHICLE_ID,
        Entity.LICENSE_NUMBER,
        Entity.OTHER_ID,
        Entity.IP_ADDRESS,
    }
)
