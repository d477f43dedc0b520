"""Views for collaboration: thin wrappers around selectors and services."""
