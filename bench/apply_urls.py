"""The site's URLs plus two do-nothing views behind the same middleware (bench only):
/bench/bare/ answers "ok"; /bench/signed-in/ first reads who is asking, as every signed-in
view does (the session, then the user)."""

from django.http import HttpResponse
from django.urls import path

from meetup.urls import handler404, handler500  # noqa: F401
from meetup.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


def signed_in(request):
    return HttpResponse(str(request.user.pk), content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("bench/signed-in/", signed_in), *site_urlpatterns]


# -- The floor: an application's database work, and nothing else ---------------------------

FLOOR_INSERT = (
    "INSERT INTO events_registration (receipt, status, waitlist_rank, lottery_weight,"
    " show_in_list, applied_at, decided_at, mailed_status, event_id, user_id, ticket_type_id,"
    " language, cancel_reason) VALUES (%s, %s, %s, 1, true, now(), now(), '', %s, %s, %s,"
    " 'en', '') RETURNING id"
)
FLOOR_OUTBOX = (
    "INSERT INTO events_outboxmail (message, recipient, params, subject, body, html, headers,"
    " created_at, attempts, last_error) VALUES (%s, %s, '{}', '', '', '', '{}', now(), 0, '')"
    " ON CONFLICT DO NOTHING"
)
FLOOR_TASK = (
    "INSERT INTO django_tasks_database_dbtaskresult (id, status, args_kwargs, priority,"
    " task_path, queue_name, backend_name, run_after, enqueued_at, exception_class_path,"
    " traceback, worker_ids) VALUES (gen_random_uuid(), 'READY', '{}', 0, 'bench.floor',"
    " 'bench-floor', 'bench-floor', now(), now(), '', '', '[]')"
)


def apply_floor(request, ticket_type_id):
    """What a first-come application must do in the database — the verified-address check;
    the ticket type's row lock, the seat count, the registration and its mail row in one
    durable transaction; the mail task's row — in plain SQL, without the form, the ORM, the
    rate limit, the page versions or the message. Not a way to apply (it checks no window,
    and the mail row is never sent): it measures how close the real view could come."""
    from django.db import connection, transaction
    from django.http import HttpResponseForbidden, HttpResponseRedirect

    from events.models import new_receipt_code
    from events.registration.allocation import _seat_counts_sql  # the view's own count

    user = request.user
    if not user.is_authenticated:
        return HttpResponseForbidden()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM account_emailaddress WHERE user_id = %s AND verified LIMIT 1",
            [user.pk],
        )
        if cursor.fetchone() is None:
            return HttpResponseForbidden()
        with transaction.atomic(durable=True):
            cursor.execute(
                "SELECT event_id, capacity FROM events_tickettype WHERE id = %s FOR UPDATE",
                [ticket_type_id],
            )
            event_id, capacity = cursor.fetchone()
            cursor.execute(_seat_counts_sql(), ["accepted", "waitlisted", ticket_type_id])
            accepted, waitlisted, last_rank = cursor.fetchone()
            seated = accepted < capacity and not waitlisted
            status, rank = ("accepted", None) if seated else ("waitlisted", (last_rank or 0) + 1)
            cursor.execute(
                FLOOR_INSERT,
                [new_receipt_code(), status, rank, event_id, user.pk, ticket_type_id],
            )
            (registration_id,) = cursor.fetchone()
            cursor.execute(FLOOR_OUTBOX, [f"status:{registration_id}:{status}", user.email])
        cursor.execute(FLOOR_TASK)
    return HttpResponseRedirect(f"/events/{event_id}/")


urlpatterns.insert(0, path("bench/apply-floor/<int:ticket_type_id>/", apply_floor))
