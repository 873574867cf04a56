from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # allauth's own signals, inside this app: no cross-app signal (accounts/security.py).
        from allauth.account import signals
        from allauth.account.models import EmailAddress
        from django.db.models.signals import post_delete, post_save

        from . import auth, security
        from .models import User

        # This app's own model: the cached copy of a signed-in user goes when the row changes.
        post_save.connect(auth.on_user_changed, sender=User, dispatch_uid="forget-user-saved")
        post_delete.connect(auth.on_user_changed, sender=User, dispatch_uid="forget-user-gone")
        for signal in (post_save, post_delete):
            signal.connect(
                auth.on_email_address_changed,
                sender=EmailAddress,
                dispatch_uid=f"pv-email-{id(signal)}",
            )

        signals.password_reset.connect(security.on_password_reset, dispatch_uid="revoke-reset")
        signals.email_confirmed.connect(
            security.on_email_confirmed, dispatch_uid="revoke-confirmed"
        )
