from django.core.management.base import BaseCommand
from django.db import OperationalError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events import jobs
from events.models import Registration, TicketType
from events.registration import draw, reconfirm
from events.registration.allocation import RegistrationError


def due_lotteries(now):
    """Lottery types past their lottery time and window, not drawn, with entries."""
    return (
        TicketType.objects.filter(
            allocation=TicketType.Allocation.LOTTERY,
            drawn_at__isnull=True,
            lottery_at__lte=now,
            closes_at__lte=now,
        )
        .filter(
            Exists(
                Registration.objects.filter(
                    ticket_type_id=OuterRef("pk"), status=Registration.Status.PENDING
                )
            )
        )
        .select_related("event")
        .order_by("lottery_at", "pk")
    )


class Command(BaseCommand):
    help = (
        "Draw every lottery whose time has come, run due reconfirmations and retry mail "
        "left unsent. "
        "Safe to run every minute from several hosts: each draw happens once."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        failed = 0
        for tt in due_lotteries(now):
            try:
                summary = draw.draw(tt, by=None)
            except RegistrationError as exc:  # drawn meanwhile by another run, or refused
                self.stdout.write(f"Skipped “{tt.name}” ({tt.event}): {exc}")
                continue
            except OperationalError:  # lock timeout: another process is drawing it right now
                self.stdout.write(f"Skipped “{tt.name}” ({tt.event}): busy, drawing elsewhere.")
                continue
            except Exception as exc:  # one broken lottery must not block the others
                failed += 1
                self.stderr.write(f"Draw of ticket type {tt.pk} failed: {type(exc).__name__}")
                continue
            self.stdout.write(
                f"Drew “{tt.name}” ({tt.event}): {summary.entries} entries, "
                f"{summary.accepted} accepted, {summary.waitlisted} waitlisted."
            )
        run = reconfirm.run_due(now)
        if run.requested or run.cancelled:
            self.stdout.write(
                f"Reconfirmation: {run.requested} asked, {run.cancelled} unconfirmed seats released."
            )
        retried = jobs.retry_unsent(now)
        if retried:
            self.stdout.write(f"Mail: sending {retried} unfinished message(s) again.")
        if failed:
            raise SystemExit(1)
