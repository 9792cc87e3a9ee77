"""Load the demo data of `make run`: a verified publisher account with a member of each role, a second account
waiting for verification, a reviewer, an operator. With DEBUG on, the reviewer and the operator have an
authenticator app whose secret is printed beside their passwords (staff need MFA before admin)."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_TOTP_SECRETS, demo_accounts_onboard, demo_totp_ensure
from accounts.models import Membership, PublisherAccount
from certification.catalogue import catalogue_seed
from certification.demo import demo_pipeline_load
from certification.models import Policy, PolicySection
from certification.operations import staff_groups_ensure
from offers.demo import demo_offers_load
from offers.samples.misc import page_data
from portal.demo import demo_data_refusal
from storefront.services import customer_profile_ensure, customer_profile_update

User = get_user_model()

DEMO_USERS = [
    # email, password, name, role in the demo account (None: staff only)
    ("owner@contoso.example", "demo-owner-pass", "Olivia Owner", Membership.Role.OWNER),
    ("manager@contoso.example", "demo-manager-pass", "Manuel Manager", Membership.Role.MANAGER),
    ("developer@contoso.example", "demo-developer-pass", "Devi Developer", Membership.Role.DEVELOPER),
    ("reviewer@portal.example", "demo-reviewer-pass", "Rita Reviewer", None),
    ("operator@portal.example", "demo-operator-pass", "Otto Operator", None),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo accounts and print their passwords. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-allowed",
            action="store_true",
            help="As `make run` asks: load only where demo data belongs (portal/demo.py), else say why not.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["if_allowed"] and (refusal := demo_data_refusal()):
            self.stdout.write(self.style.WARNING(f"Demo data not loaded: {refusal}"))
            return
        catalogue_seed(PolicySection, Policy)  # the migration seeds them; a flushed database has none
        staff_groups_ensure()
        # Demo accounts are found by partner ID, which sign-up never sets (names are not unique).
        account = self._account("4410001", name="Contoso Ltd")
        fabrikam = self._account("4410002", name="Fabrikam Inc")
        users = {}
        for email, password, name, role in DEMO_USERS:
            first, _sep, last = name.partition(" ")
            user, _created = User.objects.get_or_create(username=email, defaults={"email": email})
            user.email, user.first_name, user.last_name = email, first, last
            user.set_password(password)
            user.is_staff = role is None
            user.is_superuser = email.startswith("operator@")
            user.save()
            users[email] = user
            axes_reset(username=email)
            if role is not None:
                Membership.objects.update_or_create(account=account, user=user, defaults={"role": role})
        fabrikam_owner, _created = Membership.objects.update_or_create(
            account=fabrikam, user=users["owner@contoso.example"], defaults={"role": Membership.Role.OWNER}
        )
        totp_secrets = DEMO_TOTP_SECRETS if settings.DEBUG else {}  # never with DEBUG off
        for email, secret in totp_secrets.items():
            demo_totp_ensure(users[email], secret)
        users["reviewer@portal.example"].groups.add(Group.objects.get(name="Reviewers"))
        users["operator@portal.example"].groups.add(Group.objects.get(name="Operators"))
        # Contoso is verified with its legal info and the agreement; Fabrikam waits in the verification queue.
        demo_accounts_onboard(
            ready=Membership.objects.get(account=account, user=users["owner@contoso.example"]),
            pending=fabrikam_owner,
            operator=users["operator@portal.example"],
        )
        problems = self._load_app_demo_data(account)
        self._owner_in_preview_audiences(users["owner@contoso.example"])
        for problem in problems:
            self.stdout.write(self.style.WARNING(f"Demo offer {problem}"))
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with:"))
        for email, password, _name, role in DEMO_USERS:
            who = role.label if role else ("operator (admin)" if email.startswith("operator@") else "reviewer (admin)")
            totp = f"  authenticator app secret {totp_secrets[email]}" if email in totp_secrets else ""
            self.stdout.write(f"  {who:<18} {email:<28} {password}{totp}")

    def _account(self, partner_id: str, **fields) -> PublisherAccount:
        account = PublisherAccount.objects.filter(partner_id=partner_id).order_by("pk").first()
        account = account or PublisherAccount(partner_id=partner_id)
        for name, value in fields.items():
            setattr(account, name, value)
        account.save()
        return account

    def _owner_in_preview_audiences(self, owner):
        """Register the Azure subscriptions of the demo previews to the Owner, so the preview links open."""
        subscriptions = set()
        for offer_type in ("azure_application", "azure_vm"):
            data, _files = page_data(offer_type, "preview_audience")
            subscriptions.update(data["entries"] if isinstance(data["entries"], list) else data["entries"].split())
        profile = customer_profile_ensure(owner)
        customer_profile_update(
            user=owner, company="Contoso Ltd", tenant_id=profile.tenant_id, subscription_ids=sorted(subscriptions)
        )

    def _load_app_demo_data(self, account) -> list[str]:
        """Create the demo offers for the account's Owner, then move them through the pipeline to every status."""
        owner = Membership.objects.filter(account=account, role=Membership.Role.OWNER).select_related("user").first()
        reviewer = User.objects.filter(email="reviewer@portal.example").first()
        if owner is None or reviewer is None:
            return []
        demo_offers_load(owner)
        return demo_pipeline_load(owner, reviewer)
