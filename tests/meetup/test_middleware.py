import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.meetup.failing_urls")]


def test_database_trouble_gives_friendly_503_with_retry_after(client):
    response = client.get("/busy/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "We are very busy right now." in response.text


def test_database_trouble_in_api_answers_json(client):
    response = client.get("/api/v2/busy/")
    assert response.status_code == 503
    assert response.json() == {
        "error": {"message": "The service is busy. Please try again shortly."}
    }


def test_other_errors_are_not_swallowed(client):
    client.raise_request_exception = False
    response = client.get("/bug/")
    assert response.status_code == 500


def test_database_error_outside_a_view_gives_friendly_503():
    import psycopg
    from django.db import OperationalError

    from meetup.errors import server_error

    try:
        raise OperationalError("connection refused") from psycopg.OperationalError("refused")
    except OperationalError:
        response = server_error(None)
    assert (response.status_code, response["Retry-After"]) == (503, "5")


def test_other_database_error_outside_a_view_is_a_plain_500():
    from django.db import OperationalError

    from meetup.errors import server_error

    try:
        raise OperationalError("no such table: events_event")
    except OperationalError:
        response = server_error(None)
    assert (response.status_code, response.has_header("Retry-After")) == (500, False)


@pytest.mark.parametrize("url", ["/pool/", "/refused/"])
def test_unreachable_database_gives_friendly_503(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Retry-After"]) == (503, "5")


@pytest.mark.parametrize(
    ("url", "logged"),
    [
        ("/missing-table/", "meetup_no_such_table"),
        ("/slow/", "statement timeout"),
    ],
)
def test_other_database_errors_are_a_logged_500(postgres, client, caplog, url, logged):
    client.raise_request_exception = False
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert (response.status_code, response.has_header("Retry-After")) == (500, False)
    assert len(errors) == 1
    assert logged in str(errors[0].exc_info[1])
