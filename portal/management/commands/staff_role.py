"""Put a user in the Reviewers or Operators group (and into admin), or take them out: `manage.py staff_role`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from certification.operations import staff_groups_ensure

ROLES = {"reviewer": "Reviewers", "operator": "Operators"}


class Command(BaseCommand):
    help = (
        "Put the user with this email in Reviewers or Operators, so they sign in to /admin/ with that group's "
        "permissions; --remove takes them out again. Create the user first (createsuperuser, or sign up)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's email (or user name)")
        parser.add_argument("role", choices=sorted(ROLES), help="reviewer: the review queues; operator: run the portal")
        parser.add_argument("--remove", action="store_true", help="take the user out of the group instead")

    @transaction.atomic
    def handle(self, *args, email, role, remove, **options):
        users = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        found = list(users.select_for_update()[:2])
        if not found:
            raise CommandError(f"No user has the email {email}: create one first (createsuperuser, or sign up).")
        if len(found) > 1:
            raise CommandError(f"More than one user has the email {email}: give the user name instead.")
        user = found[0]
        group = staff_groups_ensure()[ROLES[role]]
        if remove:
            user.groups.remove(group)
            other_groups = user.groups.filter(name__in=ROLES.values()).exists()
            if not (other_groups or user.is_superuser):
                user.is_staff = False
                user.save(update_fields=["is_staff"])
            self.stdout.write(self.style.SUCCESS(f"{user.email or user.username} is no longer in {group.name}."))
            return
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(
            self.style.SUCCESS(f"{user.email or user.username} is in {group.name} and signs in to /admin/.")
        )
        if not user.is_active:
            self.stdout.write(self.style.WARNING("The user is inactive: activate them in admin before they sign in."))
