"""`manage.py staff_role` puts a user in Reviewers or Operators (and into admin), or takes them out."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff_role(*args) -> str:
    out = StringIO()
    call_command("staff_role", *args, stdout=out)
    return out.getvalue()


def group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def test_an_operator_is_put_in_operators_and_let_into_admin():
    user = UserFactory(email="ops@company.com", is_staff=False)

    printed = staff_role("ops@company.com", "operator")

    user.refresh_from_db()
    assert user.is_staff
    assert group_names(user) == ["Operators"]
    assert "ops@company.com is in Operators" in printed
    assert user.has_perm("certification.change_submission")


def test_a_reviewer_is_found_by_email_whatever_its_case():
    user = UserFactory(email="Rita@Company.com")

    staff_role("rita@company.com", "reviewer")

    user.refresh_from_db()
    assert group_names(user) == ["Reviewers"]
    assert user.has_perm("certification.decide_contentreviewitem")
    assert not user.has_perm("offers.change_offer")


def test_putting_a_user_in_a_group_twice_changes_nothing():
    user = UserFactory(email="ops@company.com")

    staff_role("ops@company.com", "operator")
    staff_role("ops@company.com", "operator")

    assert group_names(user) == ["Operators"]


def test_removing_the_last_staff_group_takes_the_user_out_of_admin():
    user = UserFactory(email="ops@company.com")
    staff_role("ops@company.com", "operator")

    staff_role("ops@company.com", "operator", "--remove")

    user.refresh_from_db()
    assert (user.is_staff, group_names(user)) == (False, [])


def test_removing_one_group_keeps_a_user_with_another_in_admin():
    user = UserFactory(email="ops@company.com")
    staff_role("ops@company.com", "operator")
    staff_role("ops@company.com", "reviewer")

    staff_role("ops@company.com", "operator", "--remove")

    user.refresh_from_db()
    assert (user.is_staff, group_names(user)) == (True, ["Reviewers"])


def test_an_unknown_email_is_refused_with_what_to_do():
    with pytest.raises(CommandError, match="create one first"):
        staff_role("nobody@company.com", "operator")


def test_an_unknown_role_is_refused():
    UserFactory(email="ops@company.com")

    with pytest.raises(CommandError, match="invalid choice"):
        staff_role("ops@company.com", "admin")
