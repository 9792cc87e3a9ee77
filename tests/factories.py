"""Factories for users, publisher accounts and memberships."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Invitation, Membership, PublisherAccount

PASSWORD = "a-Strong-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@publisher.example")
    username = factory.LazyAttribute(lambda o: o.email)
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PublisherAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublisherAccount

    name = factory.Sequence(lambda n: f"Publisher {n}")
    partner_id = factory.Sequence(lambda n: f"{4400000 + n}")
    country = "US"
    verified = True
    program_enrolled = True
    agreement_accepted_at = factory.LazyFunction(timezone.now)
    competencies = factory.LazyFunction(lambda: ["Cloud Platform"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    account = factory.SubFactory(PublisherAccountFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    account = factory.SubFactory(PublisherAccountFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@publisher.example")
    role = Membership.Role.DEVELOPER
