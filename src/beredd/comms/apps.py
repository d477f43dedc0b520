from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "beredd.comms"
    label = "comms"
    default_auto_field = "django.db.models.BigAutoField"
