"""The editor's words for a place in an offer: the title of a page and the label of a field."""

from offers.types import offer_type as type_spec


def location_labels(offer_type: str, page: str, field: str, plans: list | None = None) -> tuple[str, str]:
    """Return the title of a page and the label of a field as the editor shows them (keys if unknown).

    ``page`` is a page key or ``plan:<plan ID>``; ``plans`` are the snapshot's plans, whose names title them.
    """

    try:
        spec = type_spec(offer_type)
    except KeyError:
        return page, field
    if page.startswith("plan:"):
        plan_id = page.split(":", 1)[1]
        names = {p["plan_id"]: (p.get("data") or {}).get("name") for p in plans or []}
        page_title = f"Plan {names.get(plan_id) or plan_id}"
        form = spec.plan_form
    else:
        page_spec = spec.page(page)
        page_title = str(page_spec.title) if page_spec else page
        form = page_spec.form if page_spec else None
    form_field = form.base_fields.get(field) if (form and field) else None
    label = str(form_field.label) if form_field is not None and form_field.label else field.replace("_", " ")
    return page_title, label
