"""Offers: their pages, plans, media, the offer type registry, page status and snapshots."""
