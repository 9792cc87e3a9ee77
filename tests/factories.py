"""Factories for users, publisher accounts (ready to publish unless told otherwise) and memberships."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.agreement import agreement_seed
from accounts.models import AgreementAcceptance, Invitation, Membership, PublisherAccount, PublisherAgreement

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


def agreement_ensure() -> PublisherAgreement:
    """Return the current publisher agreement, seeding version 1 where a test flushed the migration's row."""
    agreement_seed(PublisherAgreement)
    return PublisherAgreement.objects.order_by("-version").first()


class PublisherAccountFactory(factory.django.DjangoModelFactory):
    """A ready account: complete legal info, verified, the current agreement accepted (``agreement_accepted=False``
    leaves it unaccepted)."""

    class Meta:
        model = PublisherAccount
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Publisher {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} Ltd")
    address_line1 = "1 Microsoft Way"
    city = "Redmond"
    region = "WA"
    postal_code = "98052"
    country = "US"
    website = "https://publisher.example"
    contact_name = "Pat Contact"
    contact_email = "legal@publisher.example"
    contact_phone = "+1 425 555 0100"
    partner_id = factory.Sequence(lambda n: f"{4400000 + n}")
    competencies = factory.LazyFunction(lambda: ["Cloud Platform"])
    verification = PublisherAccount.Verification.VERIFIED

    @factory.post_generation
    def agreement_accepted(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            AgreementAcceptance.objects.create(account=obj, agreement=agreement_ensure(), accepted_at=timezone.now())


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
