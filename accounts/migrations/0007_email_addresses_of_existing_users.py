"""Every user who exists before sign-in moved onto django-allauth keeps signing in: their email is recorded as
verified (allauth asks for a verified email before a sign-in, and before multi-factor authentication is set up).

They were created by the portal itself (sign-up before this release, invitations, operators, demo data), so their
addresses are taken as they are. Users allauth already knows are left alone; running again adds nothing.
"""

from django.db import migrations


def email_addresses_record(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    rows = []
    for user_id, email in User.objects.exclude(email="").order_by("pk").values_list("pk", "email"):
        address = email.strip().lower()
        if user_id in known or address in taken:
            continue
        taken.add(address)
        rows.append(EmailAddress(user_id=user_id, email=address, verified=True, primary=True))
    EmailAddress.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_security"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(email_addresses_record, migrations.RunPython.noop)]
