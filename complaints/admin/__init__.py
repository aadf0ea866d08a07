"""The compliance admin, one module per part of the domain; importing it registers every page."""

from complaints.admin import cases, complaints, dashboard, member_login, members, records  # noqa: F401
