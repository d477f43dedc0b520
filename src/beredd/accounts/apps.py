from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "beredd.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from beredd.accounts import signals

        signals.connect_mfa_signals()
