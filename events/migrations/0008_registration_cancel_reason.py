from django.db import migrations, models
from django.db.models import F, Q


def backfill(apps, schema_editor):
    """Cancelled registrations before the field: by the attendee when they cancelled it
    themselves, by the organisers when someone else did, expired when no one did after a
    reconfirmation request went unanswered."""
    Registration = apps.get_model("events", "Registration")
    cancelled = Registration.objects.filter(status="cancelled", cancel_reason="")
    cancelled.filter(cancelled_by=F("user")).update(cancel_reason="self")
    cancelled.filter(cancelled_by__isnull=False).exclude(cancelled_by=F("user")).update(
        cancel_reason="organiser"
    )
    cancelled.filter(
        Q(cancelled_by__isnull=True),
        reconfirm_requested_at__isnull=False,
        confirmed_at__isnull=True,
    ).update(cancel_reason="expired")


class Migration(migrations.Migration):
    dependencies = [("events", "0007_event_import")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("self", "Cancelled by the attendee"),
                    ("organiser", "Cancelled by the organisers"),
                    ("moved", "Moved to another ticket type"),
                    ("expired", "Expired: not reconfirmed"),
                ],
                max_length=10,
                verbose_name="cancel reason",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
