from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # allauth's own signals, inside this app: no cross-app signal (accounts/security.py).
        from allauth.account import signals

        from . import security

        signals.password_reset.connect(security.on_password_reset, dispatch_uid="revoke-reset")
        signals.email_confirmed.connect(
            security.on_email_confirmed, dispatch_uid="revoke-confirmed"
        )
