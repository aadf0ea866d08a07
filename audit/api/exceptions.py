"""The API's exception handler: the domain errors' answers (core), and a security event for every
staff read refused with 403 or 404 on a named case, complaint or member."""

from django.db import connection, transaction

from audit.security import security_record_refused_read
from core import roles
from core.exceptions import exception_handler as core_exception_handler

REFUSED = (403, 404)
# URL parameters that name a case, a complaint or an allegation.
NAMES = ("reference", "case_reference", "membership_number")


def exception_handler(exc, context):
    response = core_exception_handler(exc, context)
    if response is not None and response.status_code in REFUSED:
        _record_refused(context, response.status_code)
    return response


def _record_refused(context, status: int) -> None:
    request, view = context.get("request"), context.get("view")
    if request is None or view is None or not any(name in getattr(view, "kwargs", {}) for name in NAMES):
        return
    if request.method not in ("GET", "HEAD"):
        return  # a refused action is answered and changes nothing; the log of refusals is of reads
    if not roles.user_roles(request.user) & set(roles.STAFF_ROLES):
        return  # members get 404 for what is not theirs; that is scoping, not an attempt to watch
    if connection.in_atomic_block and transaction.get_rollback():
        return  # the refusal rolls the transaction back, and would take the event with it
    security_record_refused_read(request, None, request.path, status)
