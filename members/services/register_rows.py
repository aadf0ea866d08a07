"""The membership register's CSV: its columns, and the validation of one row (every column at fault named)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator

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


class _EmailValidator(EmailValidator):
    """Django's e-mail rule, unchanged, with each domain's verdict remembered: a register names a
    few domains hundreds of thousands of times, and the domain pattern is the costly part."""

    user_regex = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)  # not lazy

    def __init__(self):
        super().__init__()
        self._domains: dict[str, bool] = {}

    def validate_domain_part(self, domain_part):
        ok = self._domains.get(domain_part)
        if ok is None:
            ok = super().validate_domain_part(domain_part)
            if len(self._domains) < 100_000:
                self._domains[domain_part] = ok
        return ok


validate_email = _EmailValidator()


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


_LIMITS = tuple((column, MAX_LENGTHS.get(column)) for column in COLUMNS)
_STATUS_CHOICES = ", ".join(sorted(_STATUSES))
_IDENTITY_SLOTS = tuple((column, kind, platform) for column, (kind, platform) in IDENTITY_COLUMNS.items())


def parse_row(line: int, raw: dict) -> Row:
    """Validate one CSV row; raise RowError naming each column at fault.

    Each column is named once, with the first problem found for it, in the order the checks
    run. A message is only built for a problem: this runs once per row of the register.
    """
    if None in raw:
        raise RowError(f"more fields than the header ({len(raw) - 1 + len(raw[None])})")
    errors: dict[str, str] = {}  # column -> problem, the first one found for each column
    values = {}
    for column, limit in _LIMITS:
        value = raw.get(column)
        if value is None:
            raise RowError(f"fewer fields than the header (no {column})")
        value = value.strip()
        if limit is not None and len(value) > limit:
            errors[column] = f"longer than {limit} characters ({len(value)})"
        values[column] = value

    for column in ("membership_number", "first_name", "last_name"):
        if not values[column] and column not in errors:
            errors[column] = "required"
    email = values["email"]
    if email and "email" not in errors:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = f"not a valid e-mail address ({email!r})"
    phone = values["phone"]
    if phone and not looks_like_phone(phone) and "phone" not in errors:
        errors["phone"] = f"not a phone number ({phone!r})"
    joined_on = None
    if values["joined_on"]:
        try:
            if not _DATE.match(values["joined_on"]):
                raise ValueError
            joined_on = dt.date.fromisoformat(values["joined_on"])
        except ValueError:
            errors["joined_on"] = f"not a date in YYYY-MM-DD ({values['joined_on']!r})"
    status = values["status"].lower() or Member.Status.ACTIVE
    if status not in _STATUSES and "status" not in errors:
        errors["status"] = f"unknown {values['status']!r} (one of {_STATUS_CHOICES})"
    if values["constituency"] and not values["region"] and "region" not in errors:
        errors["region"] = "required when a constituency is given"
    identities = {}
    for column, kind, platform in _IDENTITY_SLOTS:
        value = values[column]
        if value and column not in errors:
            normalised = normalise(kind, value, platform)
            if not normalised:
                errors[column] = f"no {kind} in {value!r}"
            identities[(kind, platform)] = (value, normalised)
    if errors:
        raise RowError("; ".join(f"{column}: {problem}" for column, problem in errors.items()))
    return Row(
        line=line,
        number=values["membership_number"],
        fields={
            "first_name": values["first_name"],
            "last_name": values["last_name"],
            "email": email,
            "phone": phone,
            "joined_on": joined_on,
            "status": status,
            "offices": values["offices"],
        },
        constituency=values["constituency"],
        region=values["region"],
        identities=identities,
    )
