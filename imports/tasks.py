"""The back office's import, run by the task worker; its progress is written to the run."""

from django.conf import settings
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from .client import ConnpassClient, ImportFailure
from .importer import Progress, import_group
from .models import ImportRun


class RunProgress(Progress):
    """Counts written to the run as they change, for the progress page to show."""

    def __init__(self, run_id: int):
        self.run_id = run_id

    def started(self, total):
        ImportRun.objects.filter(pk=self.run_id).update(events_total=total)

    def event_imported(self, event, talks):
        ImportRun.objects.filter(pk=self.run_id).update(
            events_done=F("events_done") + 1, talks_done=F("talks_done") + talks
        )


@task
def run_import(run_id: int) -> None:
    run = ImportRun.objects.select_related("community", "started_by").get(pk=run_id)
    if run.is_finished:
        return
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.RUNNING, events_done=0, talks_done=0, message=""
    )
    client = ConnpassClient(
        base_url=run.base_url,
        api_key=settings.CONNPASS_API_KEY,
        interval=settings.CONNPASS_IMPORT_INTERVAL,
    )
    try:
        _community, summary = import_group(
            client,
            run.subdomain,
            community=run.community,
            owner=run.started_by,
            progress=RunProgress(run_id),
        )
    except ImportFailure as exc:
        status, message = ImportRun.Status.FAILED, str(exc)
    except Exception:
        # A bug, or the database gone: the run must not look as if it were still running.
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED,
            message="Unexpected error; see the worker's log. What was imported is kept.",
            finished_at=timezone.now(),
        )
        raise
    else:
        status = ImportRun.Status.DONE
        message = (
            f"{summary.created} events created, {summary.updated} updated, "
            f"{summary.talks} talks, {summary.links} blog posts."
        )
    ImportRun.objects.filter(pk=run_id).update(
        status=status, message=message, finished_at=timezone.now()
    )
