"""Finding 1: the kubelet probes a pod at its IP address, so /healthz must answer whatever the
Host header, while every other page still refuses a Host outside DJANGO_ALLOWED_HOSTS.

The probe test starts the web container's own command (gunicorn, from deploy/k8s/web.yaml) with
the ConfigMap's settings (production: debug off, HTTPS on, one allowed host) and sends what the
kubelet sends: the pod IP as Host, plain HTTP, to the probe paths of the manifest.
"""

import pytest
from django.db import DatabaseError
from django.test import Client

from .conftest import POD_IP, get, probes, web_container


def test_probes_with_the_pod_ip_as_host_are_answered_200(pod):
    pod = pod.port
    container_port = web_container()["ports"][0]["containerPort"]
    host = f"{POD_IP}:{container_port}"
    answers = {kind: get(pod, probe["path"], host) for kind, probe in probes().items()}
    assert answers == {
        "startupProbe": (200, b'{"status": "ok"}'),
        "readinessProbe": (200, b'{"status": "ok"}'),
        "livenessProbe": (200, b'{"status": "ok"}'),
    }


def test_pages_with_the_pod_ip_as_host_are_still_refused(pod):
    pod = pod.port
    status, _ = get(pod, "/", POD_IP)
    assert status == 400


def test_probe_paths_with_a_suffix_do_not_skip_the_host_check(pod):
    pod = pod.port
    assert get(pod, "/healthz/", POD_IP)[0] == 400
    assert get(pod, "/healthzx", POD_IP)[0] == 400


def test_allowed_host_still_gets_the_https_redirect(pod):
    pod = pod.port
    status, _ = get(pod, "/", "meetup.example.org")
    assert status == 301


def test_probes_are_http_on_the_container_port_and_readiness_asks_the_database():
    assert probes() == {
        "startupProbe": {"path": "/livez", "port": "http"},
        "readinessProbe": {"path": "/healthz", "port": "http"},
        "livenessProbe": {"path": "/livez", "port": "http"},
    }
    assert web_container()["ports"][0]["name"] == "http"


@pytest.mark.django_db
def test_readiness_answers_503_when_the_database_fails_whatever_the_host(monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    client = Client(HTTP_HOST=POD_IP)
    assert client.get("/healthz").status_code == 503
    assert client.get("/livez").status_code == 200


def test_probe_paths_refuse_other_methods():
    response = Client(HTTP_HOST=POD_IP).post("/livez")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
