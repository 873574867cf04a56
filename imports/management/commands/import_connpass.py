"""manage.py import_connpass --group <subdomain> [--base-url URL] [--api-key KEY]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from events.models import Community
from imports import importer
from imports.client import DEFAULT_BASE_URL, ConnpassClient, ImportFailure


class BarProgress(importer.Progress):
    """Pages read and events imported, as two bars in the terminal."""

    def __init__(self, bars: Progress):
        self.bars = bars
        self.pages = bars.add_task("pages", total=None)
        self.events = bars.add_task("events", total=None)

    def started(self, total):
        self.bars.update(self.pages, total=max(1, -(-total // importer.PAGE)))
        self.bars.update(self.events, total=total)

    def page_read(self):
        self.bars.advance(self.pages)

    def event_imported(self, event, talks):
        self.bars.advance(self.events)
        self.bars.console.print(
            f"{event.starts_at:%Y-%m-%d} {event.title} ({talks} talks)",
            markup=False,
            highlight=False,
        )


class Command(BaseCommand):
    help = (
        "Import a connpass group's events and their presentations (talks, slides, videos, "
        "blog posts) into a community. Running it again updates and resumes; it never "
        "duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--group", required=True, help="The group's subdomain on connpass.")
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help="Any connpass API v2 server (default: %(default)s).",
        )
        parser.add_argument("--api-key", help="The API key (default: $CONNPASS_API_KEY).")
        parser.add_argument(
            "--community",
            help="Slug of the community to import into (default: the group's subdomain; "
            "created from the group when missing).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between requests (default: $CONNPASS_IMPORT_INTERVAL, 1).",
        )

    def handle(self, *args, group, base_url, api_key, community, interval, **options):
        key = api_key or settings.CONNPASS_API_KEY
        if not key:
            raise CommandError("An API key is needed: --api-key or CONNPASS_API_KEY.")
        target = None
        if community:
            target = Community.objects.filter(slug=community).first()
            if target is None:
                raise CommandError(f"No community with the slug '{community}'.")
        client = ConnpassClient(
            base_url=base_url,
            api_key=key,
            interval=settings.CONNPASS_IMPORT_INTERVAL if interval is None else interval,
        )
        columns = (
            TextColumn("{task.description:>6}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, disable=options["verbosity"] == 0) as bars:
            try:
                target, summary = importer.import_group(
                    client, group, community=target, progress=BarProgress(bars)
                )
            except ImportFailure as exc:
                raise CommandError(f"{exc} Run the command again to resume.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{target.name}: {summary.created} events created, {summary.updated} updated, "
                f"{summary.talks} talks, {summary.links} blog posts "
                f"({client.requests_made} requests)."
            )
        )
