"""Preparedness views: thin wrappers over selectors and services."""
