from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from events.models import TicketType
from events.registration import draw
from events.registration.allocation import RegistrationError


class Command(BaseCommand):
    help = "Draw the lottery of one ticket type now (after its application window has closed)."

    def add_arguments(self, parser):
        parser.add_argument("ticket_type", type=int, help="The lottery ticket type's id.")
        parser.add_argument(
            "--no-mail", action="store_true", help="Do not e-mail the results to the entrants."
        )

    def handle(self, *args, ticket_type, no_mail, **options):
        tt = TicketType.objects.filter(pk=ticket_type).first()
        if tt is None:
            raise CommandError(f"No ticket type with id {ticket_type}.")
        try:
            summary = draw.draw(tt, by=None, notify=not no_mail)
        except RegistrationError as exc:
            raise CommandError(str(exc)) from None
        except OperationalError:
            raise CommandError(
                "The ticket type is locked by another change (perhaps a draw); try again."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Drew “{tt.name}” ({tt.event}): {summary.entries} entries, "
                f"{summary.seats} seats, {summary.accepted} accepted, "
                f"{summary.waitlisted} waitlisted."
            )
        )
        self.stdout.write(f"  entries digest: {summary.entries_digest}")
