from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beredd.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from beredd.core import textlimits

        textlimits.install()
