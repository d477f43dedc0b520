from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "beredd.register"
    label = "register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from beredd.register import checks  # noqa: F401  # registers the key check
