from django.core.management.base import BaseCommand

import accounts.demo
import events.demo
import reports.demo
import talks.demo
from core.siteurl import site_url


class Command(BaseCommand):
    help = "Load the demo: Docker Meetup Tokyo #23 and #24, with accounts. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="Printed site URL (MEETUP_SITE_URL).")

    def handle(self, *args, url, **options):
        # No transaction around it all: registrations go through the workflow, whose durable
        # transactions lock each ticket type. Every part is idempotent, so a rerun completes.
        users = accounts.demo.load()
        demo_events = events.demo.load(users)
        talks.demo.load(users, demo_events["event_23"])
        reports.demo.load(users, demo_events["event_23"])
        url = (url or site_url()).rstrip("/")
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
        self.stdout.write(f"  Site:        {url}/")
        self.stdout.write(f"  Back office: {url}/admin/")
        self.stdout.write(f"  Password for every demo account: {accounts.demo.DEMO_PASSWORD}")
        for _nickname, _name, email, staff, superuser in accounts.demo.DEMO_USERS:
            role = "superuser" if superuser else "organiser" if staff else "attendee"
            self.stdout.write(f"    {email:<26} {role}")
