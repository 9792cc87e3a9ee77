"""In Chromium: the offer description's rich-text editor, its counter, its keyboard use and its textarea without JS."""

import re

import pytest
from playwright.sync_api import expect

from offers.models import OfferPage
from offers.validators import sanitize_description
from tests.browser.filling import rich_text_paste
from tests.factories import PASSWORD, MembershipFactory
from tests.offers.factories import OfferFactory
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "offer_listing"
KEPT_TAGS = {"p", "br", "strong", "em", "u", "ul", "ol", "li", "h2", "h3", "h4", "a"}
EVERYTHING_PASTED = (
    '<h1>Title</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><p style="color:red">Plain <b>bold</b> '
    '<i>italic</i> <u>under</u> <span class="x">span</span><br>next line <img src="logo.png"></p>'
    '<ol start="3" type="a"><li>first</li></ol><ul><li>second</li></ul><table><tr><td>cell</td></tr></table>'
    '<p><a href="https://contoso.example/docs" target="_blank" title="Docs">docs</a> '
    '<a href="http://contoso.example/plain">plain http</a> <a href="javascript:alert(1)">script</a></p>'
    "<blockquote>quote</blockquote><pre>code</pre><script>alert(2)</script>"
)


def _open_listing(page, live_server, offer_type="saas"):
    member = MembershipFactory()
    offer = OfferFactory(account=member.account, offer_type=offer_type)
    browser_sign_in(page, live_server.url, member.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/pages/{KEY}/")
    return offer


def _saved_description(offer) -> str:
    return OfferPage.objects.get(offer=offer, key=KEY).data["description"]


def test_a_description_made_bold_and_linked_is_saved_as_that_html_and_counted_after_a_reload(page, live_server):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    offer = _open_listing(page, live_server)
    editor = page.get_by_role("textbox", name="Description")
    editor.click()
    page.keyboard.type("Expense reports ")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type("in minutes")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type(". Read the guide")
    for _ in "guide":
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="Link").click()
    page.get_by_label("Address").fill("https://contoso.example/guide")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Offer listing saved")).to_be_visible()

    page.reload()
    saved = _saved_description(offer)
    assert "<strong>in minutes</strong>" in saved
    assert '<a href="https://contoso.example/guide" rel="noopener noreferrer nofollow">guide</a>' in saved
    expect(editor.locator("strong")).to_have_text("in minutes")
    expect(editor.get_by_role("link", name="guide")).to_have_attribute("href", "https://contoso.example/guide")
    expect(page.get_by_test_id("rich-text-counter")).to_have_text(f"{len(saved):,} of 5,000 characters including HTML")
    assert not [text for text in console if "Content Security Policy" in text]


def test_a_link_to_an_address_that_is_not_https_is_refused_in_the_dialog(page, live_server):
    _open_listing(page, live_server)
    page.get_by_role("textbox", name="Description").click()
    page.keyboard.type("docs")
    page.keyboard.press("Shift+Home")
    page.get_by_role("button", name="Link").click()
    page.get_by_label("Address").fill("http://contoso.example/docs")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert "https://" in page.get_by_label("Address").evaluate("input => input.validationMessage")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("textbox", name="Description").get_by_role("link")).to_have_count(0)


def test_pasted_html_keeps_exactly_what_the_sanitiser_keeps_and_the_server_saves_it_unchanged(page, live_server):
    offer = _open_listing(page, live_server)
    rich_text_paste(page, page.locator("#id_description"), EVERYTHING_PASTED)
    html = page.locator("#id_description").input_value()

    assert set(re.findall(r"<([a-z0-9]+)", html)) == KEPT_TAGS
    assert sanitize_description(html) == html  # the count the publisher sees is the count the server makes
    for dropped in ("<script", "<img", "<table", "<h1", "<h5", "style=", "target=", "http://", "javascript:"):
        assert dropped not in html
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Offer listing saved")).to_be_visible()
    assert _saved_description(offer) == html


def test_the_editor_works_from_the_keyboard_and_shows_the_limit_error_on_the_field(page, live_server):
    _open_listing(page, live_server, offer_type="consulting")
    page.get_by_label("Search results summary").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("toolbar")).to_be_visible()
    expect(page.get_by_role("button", name="Heading 2")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Heading 3")).to_be_focused()
    page.keyboard.press("Tab")  # the toolbar is one stop: Tab goes on into the text
    editor = page.get_by_role("textbox", name="Description")
    expect(editor).to_be_focused()
    page.keyboard.press("Control+b")
    page.keyboard.type("Assessment")
    expect(editor.locator("strong")).to_have_text("Assessment")
    expect(page.get_by_role("button", name="Bold")).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("Control+b")
    page.keyboard.type(" " + "x" * 2000)
    counter = page.get_by_test_id("rich-text-counter")
    expect(counter).to_contain_text("of 2,000 characters including HTML")
    expect(counter).to_contain_text("over the limit")
    expect(counter).to_have_class(re.compile("text-danger"))
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Keep the description to 2000 characters including HTML"
    )
    expect(editor).to_have_attribute("aria-invalid", "true")
    described_by = editor.get_attribute("aria-describedby").split()
    assert {"id_description_helptext", "id_description_error", "id_description_counter"} <= set(described_by)
    expect(page.locator("#id_description_error")).to_contain_text("Keep the description to 2000 characters")
    expect(editor.locator("strong")).to_have_text("Assessment")  # the typed text is kept
    page.get_by_text("Description", exact=True).click()
    expect(editor).to_be_focused()


def test_without_javascript_the_description_is_its_textarea_and_the_server_drops_tags_it_does_not_keep(
    browser, live_server
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    offer = _open_listing(page, live_server)
    textarea = page.get_by_label("Description")
    expect(textarea).to_be_visible()
    expect(page.get_by_test_id("rich-text-counter")).to_have_count(0)
    textarea.fill('<p>Hello <strong>there</strong></p><script>alert(1)</script><img src="x"><table><tr><td>t</td></tr>')
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Offer listing saved")).to_be_visible()
    saved = _saved_description(offer)
    assert saved.startswith("<p>Hello <strong>there</strong></p>")
    for dropped in ("<script", "alert", "<img", "<table"):
        assert dropped not in saved
    context.close()
