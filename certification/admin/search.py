"""Admin search by offer (ID, alias, listing name) or publisher name, read from indexes instead of a joined scan."""

from offers.selectors import offers_found

SEARCH_WORDS_MAX = 5


class OfferSearchMixin:
    """Search the rows of an admin list by their offer: each word must match the offer's stored search text
    (trigram GIN index on PostgreSQL) or its publisher's name. ``search_fields`` stays for the search box."""

    search_offer_path = "submission__offer"

    def get_search_results(self, request, queryset, search_term):
        for word in search_term.split()[:SEARCH_WORDS_MAX]:
            queryset = queryset.filter(**{f"{self.search_offer_path}__in": offers_found(word)})
        return queryset, False
