"""The membership register's CSV: its columns, and the validation of one row (every column at fault named)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from members.models import Identity, Member
from members.normalise import looks_like_phone, normalise

COLUMNS = (
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "constituency",
    "region",
    "joined_on",
    "status",
    "twitter",
    "facebook",
    "offices",
)
MAX_LENGTHS = {
    "membership_number": 20,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "phone": 32,
    "constituency": 150,
    "region": 100,
    "twitter": 300,
    "facebook": 300,
    "offices": 300,
}

# The identity each column gives: column -> (kind, platform).
IDENTITY_COLUMNS = {
    "email": (Identity.Kind.EMAIL, ""),
    "phone": (Identity.Kind.PHONE, ""),
    "twitter": (Identity.Kind.HANDLE, Identity.Platform.TWITTER),
    "facebook": (Identity.Kind.HANDLE, Identity.Platform.FACEBOOK),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUSES = set(Member.Status.values)


class RowError(Exception):
    pass


@dataclass
class Row:
    line: int
    number: str
    fields: dict  # MEMBER_FIELDS minus constituency_id
    constituency: str
    region: str
    identities: dict  # (kind, platform) -> (value as written, normalised)


def parse_row(line: int, raw: dict) -> Row:
    """Validate one CSV row; raise RowError naming each column at fault."""
    if None in raw:
        raise RowError(f"more fields than the header ({len(raw) - 1 + len(raw[None])})")
    errors: dict[str, str] = {}  # column -> problem, the first one found for each column
    values = {}
    for column in COLUMNS:
        value = raw.get(column)
        if value is None:
            raise RowError(f"fewer fields than the header (no {column})")
        value = value.strip()
        limit = MAX_LENGTHS.get(column)
        if limit is not None and len(value) > limit:
            errors[column] = f"longer than {limit} characters ({len(value)})"
        values[column] = value

    def check(column: str, ok: bool, problem: str) -> None:
        if not ok and column not in errors:
            errors[column] = problem

    for column in ("membership_number", "first_name", "last_name"):
        check(column, bool(values[column]), "required")
    if values["email"] and "email" not in errors:
        try:
            validate_email(values["email"])
        except DjangoValidationError:
            errors["email"] = f"not a valid e-mail address ({values['email']!r})"
    check(
        "phone", not values["phone"] or looks_like_phone(values["phone"]), f"not a phone number ({values['phone']!r})"
    )
    joined_on = None
    if values["joined_on"]:
        try:
            if not _DATE.match(values["joined_on"]):
                raise ValueError
            joined_on = dt.date.fromisoformat(values["joined_on"])
        except ValueError:
            errors["joined_on"] = f"not a date in YYYY-MM-DD ({values['joined_on']!r})"
    status = values["status"].lower() or Member.Status.ACTIVE
    check("status", status in _STATUSES, f"unknown {values['status']!r} (one of {', '.join(sorted(_STATUSES))})")
    check("region", not values["constituency"] or bool(values["region"]), "required when a constituency is given")
    identities = {}
    for column, (kind, platform) in IDENTITY_COLUMNS.items():
        if values[column] and column not in errors:
            normalised = normalise(kind, values[column], platform)
            check(column, bool(normalised), f"no {kind} in {values[column]!r}")
            identities[(kind, platform)] = (values[column], normalised)
    if errors:
        raise RowError("; ".join(f"{column}: {problem}" for column, problem in errors.items()))
    return Row(
        line=line,
        number=values["membership_number"],
        fields={
            "first_name": values["first_name"],
            "last_name": values["last_name"],
            "email": values["email"],
            "phone": values["phone"],
            "joined_on": joined_on,
            "status": status,
            "offices": values["offices"],
        },
        constituency=values["constituency"],
        region=values["region"],
        identities=identities,
    )
