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
    } <= config
