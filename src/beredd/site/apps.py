from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The floor above the domain apps: dashboard, audit page, demo loader, benchmark endpoints."""

    name = "beredd.site"
    label = "site"
    default_auto_field = "django.db.models.BigAutoField"
