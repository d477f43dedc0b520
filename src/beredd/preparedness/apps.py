from django.apps import AppConfig


class PreparednessConfig(AppConfig):
    name = "beredd.preparedness"
    label = "preparedness"
    default_auto_field = "django.db.models.BigAutoField"
