"""Fill an offer page in the browser from sample values, field by field, as a publisher would."""

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile


def fill_form(page, data: dict, files: dict, tmp_path: Path) -> None:
    """Type, pick, tick and upload every sample value into the form on the page (once it has loaded: a link just
    clicked may have committed the new page without its form yet)."""
    page.wait_for_load_state("load")
    for name, value in data.items():
        if value in (None, "") or name == "action":
            continue
        field = page.locator(f'[name="{name}"]')
        count = field.count()
        if count == 0:
            raise AssertionError(f"the page has no field named {name}")
        first = field.first
        tag = first.evaluate("el => el.tagName.toLowerCase()")
        kind = (first.get_attribute("type") or "").lower()
        if first.get_attribute("data-rich-text") is not None and not first.is_visible():
            rich_text_paste(page, first, str(value))
        elif tag == "select":
            values = value if isinstance(value, list | tuple) else [value]
            first.select_option([str(v) for v in values])
        elif kind == "radio":
            page.locator(f'[name="{name}"][value="{_form_value(value)}"]').check()
        elif kind == "checkbox" and count == 1:
            (first.check if value in (True, "on", "True", "true", "1") else first.uncheck)()
        elif kind == "checkbox":
            for item in value if isinstance(value, list | tuple) else [value]:
                page.locator(f'[name="{name}"][value="{item}"]').check()
        else:
            first.fill(_form_value(value) if not isinstance(value, list | tuple) else "\n".join(map(str, value)))
    for name, upload in files.items():
        path = tmp_path / f"{name}-{Path(upload.name).name}"
        path.write_bytes(_read(upload))
        page.locator(f'input[type="file"][name="{name}"]').set_input_files(str(path))


def rich_text_paste(page, textarea, html: str) -> None:
    """Replace the content of the rich-text editor of ``textarea`` by pasting ``html``, as from a word processor."""
    editor = page.locator(".rich-text", has=textarea).get_by_role("textbox")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    editor.evaluate(
        """(el, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


def _form_value(value) -> str:
    return str(value)


def _read(upload: UploadedFile) -> bytes:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return content
