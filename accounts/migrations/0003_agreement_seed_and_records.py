"""Seed version 1 of the publisher agreement; carry verified accounts and accepted agreements into the new records."""

from django.db import migrations

from accounts.agreement import agreement_seed


def records_forward(apps, schema_editor):
    account_model = apps.get_model("accounts", "PublisherAccount")
    agreement_model = apps.get_model("accounts", "PublisherAgreement")
    acceptance_model = apps.get_model("accounts", "AgreementAcceptance")
    agreement_seed(agreement_model)
    first = agreement_model.objects.order_by("version").first()
    # When an account was verified is not known: verification_changed_at stays empty.
    account_model.objects.filter(verified=True).update(verification="verified")
    # An acceptance recorded before versions existed was of the one agreement there was: version 1.
    acceptance_model.objects.bulk_create(
        acceptance_model(account_id=account_id, agreement=first, accepted_at=accepted_at)
        for account_id, accepted_at in account_model.objects.filter(agreement_accepted_at__isnull=False).values_list(
            "pk", "agreement_accepted_at"
        )
    )


def records_backward(apps, schema_editor):
    account_model = apps.get_model("accounts", "PublisherAccount")
    acceptance_model = apps.get_model("accounts", "AgreementAcceptance")
    account_model.objects.filter(verification="verified").update(verified=True)
    for acceptance in acceptance_model.objects.order_by("accepted_at"):
        account_model.objects.filter(pk=acceptance.account_id).update(
            agreement_accepted_at=acceptance.accepted_at, program_enrolled=True
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_legal_info_agreement_verification")]

    operations = [migrations.RunPython(records_forward, records_backward)]
