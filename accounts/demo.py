"""Demo accounts. Idempotent: keyed by e-mail."""

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "meetup-demo-2026"

DEMO_USERS = [
    # (nickname, display name, e-mail, staff, superuser)
    ("admin", "Site admin", "admin@example.com", True, True),
    ("organiser", "Docker Meetup Tokyo 運営", "organiser@example.com", True, False),
    ("hamako9999", "濱田", "hamako9999@example.com", False, False),
    ("alice", "Alice", "alice@example.com", False, False),
    ("bob", "Bob", "bob@example.com", False, False),
]


def demo_user(nickname: str, display_name: str, email: str, *, staff=False, superuser=False):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "nickname": nickname,
            "display_name": display_name,
            "is_staff": staff,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load() -> dict[str, User]:
    return {
        nickname: demo_user(nickname, name, email, staff=staff, superuser=superuser)
        for nickname, name, email, staff, superuser in DEMO_USERS
    }
