"""In Chromium: the demo data of `make run` lets each demo member sign in to Contoso Ltd; loading it again is safe."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, PublisherAccount
from portal.management.commands.demo_data import DEMO_USERS
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_ACCOUNT = "Contoso Ltd"
DEMO_MEMBERS = [(email, password, role) for email, password, _name, role in DEMO_USERS if role is not None]


def load_demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("email", "password", "role"), DEMO_MEMBERS, ids=[role.value for *_, role in DEMO_MEMBERS])
def test_each_demo_member_signs_in_to_contoso_with_their_role(page, live_server, email, password, role):
    load_demo_data()

    browser_sign_in(page, live_server.url, email, password)

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_test_id("current-account")).to_have_text(DEMO_ACCOUNT)
    expect(page.locator("#account-switcher .badge")).to_have_text(str(role.label))


def test_loading_the_demo_data_twice_leaves_one_contoso_account_with_its_three_members():
    load_demo_data()
    load_demo_data()

    account = PublisherAccount.objects.get(name=DEMO_ACCOUNT)
    members = {(m.user.email, m.role) for m in account.memberships.select_related("user")}
    assert len(members) == 3
    assert members == {(email, role) for email, _password, role in DEMO_MEMBERS}
    assert {role for _email, role in members} == set(Membership.Role)
    demo_emails = [email for email, *_ in DEMO_USERS]
    assert get_user_model().objects.filter(username__in=demo_emails).count() == len(DEMO_USERS)


def test_loading_the_demo_data_again_restores_the_demo_passwords():
    load_demo_data()
    owner_email, owner_password, _role = DEMO_MEMBERS[0]
    owner = get_user_model().objects.get(username=owner_email)
    owner.set_password("changed-while-exploring")
    owner.save()

    load_demo_data()

    owner.refresh_from_db()
    assert owner.check_password(owner_password)


def test_the_demo_data_prints_every_demo_sign_in():
    printed = load_demo_data()

    for email, password, _name, _role in DEMO_USERS:
        assert re.search(rf"{re.escape(email)}\s+{re.escape(password)}", printed)


def test_the_demo_data_loads_again_after_a_visitor_named_their_account_contoso():
    load_demo_data()
    PublisherAccount.objects.create(name=DEMO_ACCOUNT)

    load_demo_data()

    demo_account = PublisherAccount.objects.get(partner_id="4410001")
    assert Membership.objects.filter(account=demo_account).count() == len(DEMO_MEMBERS)
