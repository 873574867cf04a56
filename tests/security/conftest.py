"""A running web pod for the security tests: the web container's own command from
deploy/k8s/web.yaml (gunicorn), with the ConfigMap's production settings, on 127.0.0.1."""

import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
POD_IP = "10.244.3.17"


@dataclass
class Pod:
    port: int
    log: Path


def manifest(name):
    return yaml.safe_load((K8S / name).read_text())


def web_container():
    return manifest("web.yaml")["spec"]["template"]["spec"]["containers"][0]


def probes():
    container = web_container()
    return {
        kind: container[kind]["httpGet"]
        for kind in ("startupProbe", "readinessProbe", "livenessProbe")
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, host):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host, "User-Agent": "kube-probe/1.37"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def pod(tmp_path_factory):
    """The web container's command, bound to 127.0.0.1, with the ConfigMap's environment."""
    port = free_port()
    args = list(web_container()["args"])
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--workers") + 1] = "1"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(manifest("configmap.yaml")["data"])
    env.pop("EMAIL_HOST", None)  # nothing is mailed here
    env["DJANGO_SETTINGS_MODULE"] = "meetup.settings"
    env["DJANGO_SECRET_KEY"] = "probe-test-" + "k" * 50
    env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('pod') / 'db.sqlite3'}"
    executable = Path(sys.executable).parent / args[0]
    log = tmp_path_factory.mktemp("pod-log") / "gunicorn.log"
    output = log.open("wb")
    process = subprocess.Popen(
        [str(executable), *args[1:]], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, "/livez", POD_IP)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {log.read_text()}")
                time.sleep(0.2)
        yield Pod(port=port, log=log)
    finally:
        process.terminate()
        process.wait(timeout=10)
        output.close()
