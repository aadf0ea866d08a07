import datetime as dt

import factory
from django.utils import timezone

from complaints.models import Appeal, Case, Complaint, Decision, Evidence, Sanction
from tests.conduct.factories import sanction_type
from tests.members.factories import MemberFactory, UserFactory


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    reference = factory.Sequence(lambda n: f"RU-T{n:07d}")
    complainant = factory.SubFactory(MemberFactory, with_login=True)
    filed_by = factory.LazyAttribute(lambda c: c.complainant.user)
    summary = factory.Faker("sentence", nb_words=8)
    description = factory.Faker("paragraph")
    incident_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    submitted_at = factory.LazyFunction(timezone.now)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case in any state: CaseFactory(investigation=True), (panel=True), (decided=True), (appeal=True)."""

    class Meta:
        model = Case

    complaint = factory.SubFactory(ComplaintFactory)
    reference = factory.LazyAttributeSequence(lambda c, n: f"{c.complaint.reference}-{n:03d}")
    respondent = factory.SubFactory(MemberFactory, with_login=True)
    opened_at = factory.LazyFunction(timezone.now)

    class Params:
        investigation = factory.Trait(
            status=Case.Status.INVESTIGATION,
            assigned_to=factory.SubFactory(UserFactory, roles=["officer"]),
        )
        awaiting_response = factory.Trait(
            investigation=True,
            status=Case.Status.AWAITING_RESPONSE,
            allegations="You sent abusive messages.",
            notice_issued_at=factory.LazyFunction(timezone.now),
            response_due=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14)),
        )
        panel_stage = factory.Trait(investigation=True, status=Case.Status.PANEL, report="Investigation report.")
        decided = factory.Trait(
            panel_stage=True, status=Case.Status.DECIDED, decided_at=factory.LazyFunction(timezone.now)
        )
        appeal = factory.Trait(decided=True, status=Case.Status.APPEAL)
        closed = factory.Trait(decided=True, status=Case.Status.CLOSED, closed_at=factory.LazyFunction(timezone.now))


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    complaint = factory.SubFactory(ComplaintFactory)
    channel = Evidence.Channel.TWITTER
    author_handle = factory.Sequence(lambda n: f"sender{n}")
    text = factory.Faker("sentence")
    occurred_at = factory.LazyFunction(timezone.now)
    content_hash = factory.Sequence(lambda n: f"{n:064x}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    case = factory.SubFactory(CaseFactory, decided=True)
    outcome = Decision.Outcome.UPHELD
    reasons = "The panel found the messages abusive."
    decided_by = factory.SubFactory(UserFactory, roles=["panel"])
    decided_at = factory.LazyFunction(timezone.now)


class SanctionFactory(factory.django.DjangoModelFactory):
    """An active sanction; SanctionFactory(code="suspension_membership", duration_days=90)."""

    class Meta:
        model = Sanction
        exclude = ("code",)

    code = "formal_warning"
    decision = factory.SubFactory(DecisionFactory)
    case = factory.SelfAttribute("decision.case")
    member = factory.SelfAttribute("case.respondent")
    constituency = factory.SelfAttribute("member.constituency")
    sanction_type = factory.LazyAttribute(lambda s: sanction_type(s.code))
    level = factory.SelfAttribute("sanction_type.level")
    duration_days = None
    status = Sanction.Status.ACTIVE
    imposed_on = factory.LazyFunction(timezone.localdate)
    starts_on = factory.SelfAttribute("imposed_on")
    ends_on = factory.LazyAttribute(
        lambda s: s.starts_on + dt.timedelta(days=s.duration_days - 1) if s.duration_days else None
    )


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    decision = factory.SubFactory(DecisionFactory, case=factory.SubFactory(CaseFactory, appeal=True))
    case = factory.SelfAttribute("decision.case")
    grounds = "The panel misread the evidence."
    lodged_by = factory.LazyAttribute(lambda a: a.case.respondent.user)
    lodged_at = factory.LazyFunction(timezone.now)
