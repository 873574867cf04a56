from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api import keys


class Command(BaseCommand):
    help = "Create an API key for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("nickname")
        parser.add_argument("--name", default="Command line", help="What the key is for.")

    def handle(self, *args, nickname, name, **options):
        user = User.objects.filter(nickname__iexact=nickname).first()
        if user is None:
            raise CommandError(f"No user with the nickname {nickname!r}.")
        if not user.is_active:
            raise CommandError(f"The user {user.nickname!r} is inactive.")
        _api_key, raw_key = keys.create_key(user, name)
        self.stdout.write(raw_key)
