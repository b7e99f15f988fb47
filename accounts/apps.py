from django.apps import AppConfig


def _email_confirmed(sender, request, email_address, **kwargs) -> None:
    from accounts.services import follower_email_verified  # apps load before their modules

    follower_email_verified(user=email_address.user)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: claims, follows and messages"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        # Only followers with a verified address count in trust (docs/trust.md).
        email_confirmed.connect(_email_confirmed, dispatch_uid="accounts.follower_email_verified")
