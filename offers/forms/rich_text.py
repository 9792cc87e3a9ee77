"""A textarea that becomes a rich-text editor of exactly the tags the sanitiser keeps, with a length counter."""

import json
from collections.abc import Iterable

from django import forms


class RichTextarea(forms.Textarea):
    """Offer the given HTML tags in an editor (static/js/rich-text.js) counting up to ``limit`` characters.

    Without JavaScript it stays a plain textarea; the form sanitises what it receives either way.
    """

    def __init__(self, *, tags: Iterable[str], limit: int, attrs=None):
        super().__init__(attrs={"rows": 10, **(attrs or {})})
        self.tags = sorted(tags)
        self.limit = limit

    @property
    def media(self):
        return forms.Media(
            css={
                "all": ["vendor/prose-editor/editor.css", "vendor/prose-editor/material-icons.css", "css/rich-text.css"]
            },
            js=[forms.Script("js/rich-text.js", type="module")],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-rich-text"] = json.dumps({"tags": self.tags, "limit": self.limit})
        return context

    def use_required_attribute(self, initial):
        return False  # the editor hides the textarea, and a browser cannot point at a hidden required field
