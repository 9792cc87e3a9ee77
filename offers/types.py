"""The offer type registry: each offer type declares its pages, and when each page applies.

The built-in types (``offers.offer_types``) register themselves when the offers app is ready.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

PageValues = Mapping[str, dict]
"""The saved values of an offer's pages, by page key."""


def always(values: PageValues) -> bool:
    return True


@dataclass(frozen=True)
class PageSpec:
    """One page of an offer type: its key, title, form and when the offer's choices bring it in."""

    key: str
    title: str
    form: type | None = None
    applies: Callable[[PageValues], bool] = always
    kind: str = "form"  # "form": one form; "plans": the offer's plans, each with the type's plan form
    help: str = ""


@dataclass(frozen=True)
class OfferTypeSpec:
    """An offer type: what it is called, its pages in navigation order, and its plan form."""

    key: str
    label: str
    description: str
    pages: tuple[PageSpec, ...]
    plan_form: type | None = None
    max_plans: int | None = None
    requires_testing: Callable[[PageValues], bool] = field(default=lambda values: False)
    storefronts: Callable[[PageValues], tuple[str, ...]] = field(default=lambda values: ("azure_marketplace",))

    def page(self, key: str) -> PageSpec | None:
        return next((page for page in self.pages if page.key == key), None)

    def pages_for(self, values: PageValues) -> list[PageSpec]:
        """Return the pages the offer's saved choices bring in, in navigation order."""
        return [page for page in self.pages if page.applies(values)]


_REGISTRY: dict[str, OfferTypeSpec] = {}


def register(spec: OfferTypeSpec) -> OfferTypeSpec:
    """Add an offer type to the registry; declaring its pages is all a new type needs."""
    _REGISTRY[spec.key] = spec
    return spec


def offer_type(key: str) -> OfferTypeSpec:
    return _REGISTRY[key]


def offer_types() -> list[OfferTypeSpec]:
    return list(_REGISTRY.values())


def offer_type_choices() -> list[tuple[str, str]]:
    """Return the registered offer types as model field choices."""
    return [(spec.key, spec.label) for spec in _REGISTRY.values()]


__all__ = [
    "OfferTypeSpec",
    "PageSpec",
    "PageValues",
    "always",
    "offer_type",
    "offer_type_choices",
    "offer_types",
    "register",
]
