"""The storefront: the public catalogue of live offers, offer pages, preview listings, customers and their
purchases and contact requests.

Modules: ``selectors`` read (catalogue search, listings, a customer's subscriptions), ``services`` write
(customers, purchases, leads, the catalogue's search rows), ``listing`` turns a frozen snapshot into what a
customer reads, ``audience`` decides who may open a preview, ``views`` and ``forms`` serve the pages and
``tasks`` delivers leads on a worker.
"""
