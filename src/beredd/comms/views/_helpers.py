"""Small helpers shared by the comms views (the list helpers live in core.paging)."""

from beredd.core.paging import PAGE_SIZE, filters_of, page_of

__all__ = ["PAGE_SIZE", "filters_of", "page_of"]
