"""Error pages look like the portal under DEBUG too (make run), not like Django's debug pages."""

from urllib.parse import urlsplit

import pytest

from certification.previews import preview_links
from tests.factories import UserFactory
from tests.storefront.factories import preview_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.usefixtures("debug")
def test_a_preview_link_opened_outside_its_audience_answers_the_portals_page_not_found(client):
    offer = preview_offer(name="Email Preview", audience=["avery@contoso.example"])
    (_label, link), *_ = preview_links(offer)
    client.force_login(UserFactory(email="someone@else.example"))

    response = client.get(urlsplit(link).path)
    assert response.status_code == 404
    assert 'data-testid="error-404"' in response.content.decode()
    assert "Preview links open only for the offer's preview audience" in response.content.decode()


@pytest.mark.usefixtures("debug")
def test_an_address_no_page_matches_answers_the_portals_page_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'data-testid="error-404"' in response.content.decode()


@pytest.mark.usefixtures("debug")
def test_an_address_without_its_trailing_slash_still_redirects_to_the_page(client):
    response = client.get("/marketplace")
    assert (response.status_code, response["Location"]) == (301, "/marketplace/")
