from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def load(name):
    return yaml.safe_load((K8S / name).read_text())


def resources():
    return load("kustomization.yaml")["resources"]


@pytest.mark.parametrize("name", resources())
def test_k8s_manifest_is_valid_kubernetes(name):
    document = load(name)
    kubernetes_validate.validate(document, "1.37.0", strict=True)


def test_k8s_kustomization_lists_every_manifest():
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(resources()) == on_disk


def test_k8s_web_runs_two_replicas_with_health_probes():
    web = load("web.yaml")
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert web["spec"]["replicas"] == 2
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["resources"]["requests"]["cpu"] == "250m"


def test_k8s_config_carries_the_documented_variables():
    config = set(load("configmap.yaml")["data"]) | set(load("secret.yaml")["stringData"])
    assert {
        "DATABASE_URL",
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        "DJANGO_HTTPS",
        "DJANGO_TIME_ZONE",
        "REDIS_URL",
        "MEETUP_SITE_URL",
        "MEETUP_SITE_NAME",
        "MEETUP_TRUSTED_PROXIES",
        "MEETUP_DB_POOL_MAX",
        "MEETUP_DB_POOL_TIMEOUT",
        "MEETUP_S3_BUCKET",
        "MEETUP_S3_ACCESS_KEY_ID",
        "MEETUP_S3_SECRET_ACCESS_KEY",
    } <= config


def _gunicorn_threads(args: list[str]) -> str:
    return args[args.index("--threads") + 1]


def test_k8s_pool_size_matches_gunicorn_threads():
    container = load("web.yaml")["spec"]["template"]["spec"]["containers"][0]
    assert (container["args"][container["args"].index("--worker-class") + 1],) == ("gthread",)
    assert (
        _gunicorn_threads(container["args"]) == load("configmap.yaml")["data"]["MEETUP_DB_POOL_MAX"]
    )


def test_k8s_web_has_a_read_only_root_and_uploads_in_s3():
    container = load("web.yaml")["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert load("configmap.yaml")["data"]["MEETUP_S3_BUCKET"] == "meetup-media"


def _compose():
    return yaml.safe_load((K8S.parents[1] / "docker-compose.yml").read_text())


def test_compose_web_and_worker_share_the_media_volume():
    services = _compose()["services"]
    assert services["web"]["volumes"] == services["worker"]["volumes"] == ["media:/app/media"]


def test_compose_pool_size_matches_gunicorn_threads():
    web = _compose()["services"]["web"]
    threads = _gunicorn_threads(web["command"].split())
    assert (threads, web["environment"]["MEETUP_DB_POOL_MAX"]) == ("8", "${MEETUP_DB_POOL_MAX:-8}")


def test_dockerfile_pool_size_matches_gunicorn_threads():
    dockerfile = (K8S.parents[1] / "Dockerfile").read_text()
    command = yaml.safe_load(dockerfile.split("CMD ", 1)[1].splitlines()[0])
    assert (_gunicorn_threads(command), "MEETUP_DB_POOL_MAX=8" in dockerfile) == ("8", True)
