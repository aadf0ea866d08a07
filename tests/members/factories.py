import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from members.models import Constituency, Identity, Member, Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@party.example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["officer"]) puts the user in those staff groups (and lets them into the admin)."""
        if not create or not extracted:
            return
        for role in extracted:
            self.groups.add(Group.objects.get(name=role))
        self.is_staff = True
        self.save(update_fields=["is_staff"])


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Iterator(["London", "North West", "Scotland", "Wales", "West Midlands", "Yorkshire and the Humber"])


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Constituency {n}")
    region = factory.SubFactory(RegionFactory)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ("membership_number",)

    membership_number = factory.Sequence(lambda n: f"T{n:07d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda m: f"{m.membership_number.lower()}@members.example.org")
    phone = factory.Sequence(lambda n: f"+4479{n:08d}")
    constituency = factory.SubFactory(ConstituencyFactory)
    joined_on = factory.Faker("date_between_dates", date_start=dt.date(2005, 1, 1), date_end=dt.date(2020, 1, 1))
    status = Member.Status.ACTIVE

    class Params:
        with_login = factory.Trait(
            user=factory.SubFactory(UserFactory, username=factory.SelfAttribute("..membership_number"))
        )


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    member = factory.SubFactory(MemberFactory)
    kind = Identity.Kind.HANDLE
    platform = Identity.Platform.TWITTER
    value = factory.Sequence(lambda n: f"@handle{n}")
