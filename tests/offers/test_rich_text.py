"""The description's rich-text editor as the server renders it: the sanitiser's tags, the limit, the assets."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from offers.forms.rich_text import RichTextarea
from offers.validators import DESCRIPTION_TAGS
from tests.offers.factories import OfferFactory, page_form

pytestmark = pytest.mark.django_db

KEY = "offer_listing"


class _Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict]:
    """Return the attributes of every ``name`` tag in ``html``."""
    return [attrs for tag, attrs in _Tags(html).tags if tag == name]


def _description(offer_type):
    return page_form(OfferFactory(offer_type=offer_type), KEY, complete=False)["description"]


@pytest.mark.parametrize(
    ("offer_type", "limit"), [("saas", 5000), ("azure_application", 5000), ("azure_vm", 5000), ("consulting", 2000)]
)
def test_the_description_editor_offers_the_sanitisers_tags_and_counts_to_the_offer_types_limit(offer_type, limit):
    (textarea,) = tags(str(_description(offer_type)), "textarea")
    assert json.loads(textarea["data-rich-text"]) == {"tags": sorted(DESCRIPTION_TAGS), "limit": limit}


def test_the_description_stays_a_labelled_textarea_with_its_help_text_for_browsers_without_javascript():
    field = _description("saas")
    (textarea,) = tags(str(field), "textarea")
    assert textarea["name"] == "description"
    assert textarea["id"] == field.id_for_label
    assert "id_description_helptext" in textarea["aria-describedby"]
    assert "required" not in textarea


def test_the_offer_listing_page_loads_the_editor_as_a_module_and_its_styles_from_static_files(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    html = owner_client.get(reverse("offers:page", args=[offer.pk, KEY])).content.decode()
    assert {"src": "/static/js/rich-text.js", "type": "module"} in tags(html, "script")
    stylesheets = {link["href"] for link in tags(html, "link") if link.get("rel") == "stylesheet"}
    assert {"/static/vendor/prose-editor/editor.css", "/static/css/rich-text.css"} <= stylesheets
    assert "<script>" not in html  # no inline script: the CSP refuses it


def test_every_form_gets_its_own_copy_of_the_editor_limit():
    consulting, saas = _description("consulting"), _description("saas")
    assert (consulting.field.widget.limit, saas.field.widget.limit) == (2000, 5000)
    assert isinstance(saas.field.widget, RichTextarea)
