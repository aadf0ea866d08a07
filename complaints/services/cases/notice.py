"""The notice of allegations and the respondent's answer (or its lapse)."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from complaints import notifications
from complaints.models import Case, Response
from complaints.services.cases.common import advance, begin, conf, record, require_text
from complaints.workflow import Action
from conduct.models import Rule
from core import roles
from core.errors import ValidationError


@transaction.atomic
def case_issue_notice(
    *,
    case: Case,
    actor,
    version: int | None,
    allegations: str,
    rules: list[Rule],
    response_due: dt.datetime | None = None,
    now=None,
) -> Case:
    """Tell the respondent the allegations and the rules charged; start the response clock."""
    case, transition, now = begin(case, Action.ISSUE_NOTICE, actor, version, now)
    allegations = require_text(allegations, "allegations")
    if not rules:
        raise ValidationError("Charge at least one rule.", field="rules")
    versions = {r.code_version_id for r in rules}
    if len(versions) != 1:
        raise ValidationError("All rules charged must come from one version of the code.", field="rules")
    if response_due is None:
        response_due = now + dt.timedelta(days=conf("RESPONSE_DAYS"))
    elif response_due <= now:
        raise ValidationError("The response deadline must be in the future.", field="response_due")
    from_status = case.status
    case.allegations, case.notice_issued_at, case.response_due = allegations, now, response_due
    case.code_version_id = versions.pop()
    advance(case, transition.target, ["allegations", "notice_issued_at", "response_due", "code_version"])
    case.rules_charged.set(rules)
    case.categories.add(*{r.category_id for r in rules})
    record(
        case,
        actor,
        Action.ISSUE_NOTICE,
        from_status=from_status,
        now=now,
        data={"rules": sorted(r.code for r in rules), "response_due": response_due.isoformat()},
    )
    notifications.notify_on_commit(
        "notice",
        [notifications.respondent_address(case)],
        case=case,
        rules=list(rules),
        contact=settings.CONDUCT["PARTY_CONTACT"],
    )
    return case


@transaction.atomic
def case_record_response(*, case: Case, actor, version: int | None, text: str, now=None) -> Response:
    """Record the respondent's answer before the deadline (by them, or by an officer for them).

    After the deadline nobody may answer: an officer continues without a response instead.
    """
    case, transition, now = begin(case, Action.RECORD_RESPONSE, actor, version, now)
    text = require_text(text, "text")
    on_behalf = roles.member_of(actor) is None or roles.member_of(actor).pk != case.respondent_id
    from_status = case.status
    response = Response.objects.create(case=case, text=text, submitted_by=actor, on_behalf=on_behalf, submitted_at=now)
    advance(case, transition.target)
    record(case, actor, Action.RECORD_RESPONSE, from_status=from_status, now=now, data={"on_behalf": on_behalf})
    return response


@transaction.atomic
def case_continue_without_response(*, case: Case, actor, version: int | None, now=None) -> Case:
    """After the response deadline, go on without a response; the lapse is recorded."""
    case, transition, now = begin(case, Action.CONTINUE_WITHOUT_RESPONSE, actor, version, now)
    from_status = case.status
    case.response_lapsed = True
    advance(case, transition.target, ["response_lapsed"])
    record(
        case,
        actor,
        Action.CONTINUE_WITHOUT_RESPONSE,
        from_status=from_status,
        now=now,
        data={"response_lapsed": True, "response_due": case.response_due.isoformat() if case.response_due else None},
    )
    return case
