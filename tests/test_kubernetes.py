"""deploy/kubernetes: the example overlay builds, every manifest validates against the
Kubernetes 1.37 schema (offline, `kubernetes-validate`), and the pods run as the issue
asks: probes on /healthz, non-root, read-only root filesystem, resources, config from a
ConfigMap and a Secret, and a CronJob per scheduled job whose command exists.

The overlay is built with `kubectl kustomize` where kubectl is installed, otherwise with
tests/kustomize.py (the few kustomize features the overlay uses, in Python); where both
are available a test holds them equal.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from django.apps import apps
from django.core.management import get_commands
from kubernetes_validate.utils import latest_version
from packaging.version import Version

from careerpath.schedule import SCHEDULE
from tests import kustomize
from tests.helpers import ROOT, free_port, need, which

OVERLAY = ROOT / "deploy" / "kubernetes" / "overlays" / "example"
NAMESPACE = "careerpath"
IMAGE = "registry.example.com/careerpath:2026.11.0"
# Commands an app brings that is added later (issue 15's task queue): each must exist
# once that app is in INSTALLED_APPS.
FROM_PACKAGES = {"prune_db_task_results": "django_tasks_db"}

Manifest = dict[str, Any]


def kubectl_build(directory: Path) -> list[Manifest]:
    result = subprocess.run(
        [which("kubectl"), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def manifests() -> list[Manifest]:
    if which("kubectl"):
        return kubectl_build(OVERLAY)
    return kustomize.build(OVERLAY)


@pytest.fixture(scope="module")
def by_kind(manifests) -> dict[str, dict[str, Manifest]]:
    kinds: dict[str, dict[str, Manifest]] = {}
    for manifest in manifests:
        kinds.setdefault(manifest["kind"], {})[manifest["metadata"]["name"]] = manifest
    return kinds


def pod_specs(by_kind) -> dict[str, dict]:
    """Every pod template's spec, by `Kind/name`."""
    pods = {}
    for kind, path in [
        ("Deployment", ["spec", "template", "spec"]),
        ("Job", ["spec", "template", "spec"]),
        ("CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]),
    ]:
        for name, manifest in by_kind.get(kind, {}).items():
            spec = manifest
            for key in path:
                spec = spec[key]
            pods[f"{kind}/{name}"] = spec
    return pods


def test_the_schema_is_a_current_kubernetes():
    assert Version(latest_version()) >= Version("1.37")


def test_every_manifest_validates_against_the_kubernetes_schema(manifests):
    version = latest_version()
    for manifest in manifests:
        # strict: an unknown or misspelt field fails too
        kubernetes_validate.validate(manifest, version, strict=True)


def test_the_python_build_equals_kubectls():
    if not which("kubectl"):
        pytest.skip("kubectl is not installed (optional: the Python build is used instead)")
    key = lambda m: (m["kind"], m["metadata"]["name"])  # noqa: E731
    ours = sorted(kustomize.build(OVERLAY), key=key)
    theirs = sorted(kubectl_build(OVERLAY), key=key)
    assert ours == theirs


def test_the_overlay_has_every_part_in_its_namespace(manifests, by_kind):
    parts = {(m["apiVersion"], m["kind"], m["metadata"]["name"]) for m in manifests}
    assert parts >= {
        ("apps/v1", "Deployment", "careerpath-web"),
        ("apps/v1", "Deployment", "careerpath-worker"),
        ("batch/v1", "Job", "careerpath-migrate"),
        ("v1", "Service", "careerpath-web"),
        ("networking.k8s.io/v1", "Ingress", "careerpath"),
        ("autoscaling/v2", "HorizontalPodAutoscaler", "careerpath-web"),
        ("policy/v1", "PodDisruptionBudget", "careerpath-web"),
        ("v1", "ConfigMap", "careerpath-config"),
        ("v1", "Secret", "careerpath-secret"),
    }
    for manifest in manifests:
        if manifest["kind"] != "Namespace":
            assert manifest["metadata"]["namespace"] == NAMESPACE
    for name, pod in pod_specs(by_kind).items():
        assert [c["image"] for c in pod["containers"]] == [IMAGE], name


def test_each_scheduled_job_is_a_cronjob_at_its_time_with_an_existing_command(by_kind):
    cronjobs = by_kind["CronJob"]
    assert set(cronjobs) == {f"careerpath-{job.name}" for job in SCHEDULE}
    commands = get_commands()
    for job in SCHEDULE:
        spec = cronjobs[f"careerpath-{job.name}"]["spec"]
        assert spec["schedule"] == job.cron
        assert spec["timeZone"] == "Etc/UTC"  # careerpath/schedule.py's times are UTC
        assert spec["concurrencyPolicy"] == "Forbid"
        (container,) = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["command"] == ["python", "manage.py", *job.command]
        name = job.command[0]
        package = FROM_PACKAGES.get(name)
        if package and not apps.is_installed(package):
            continue  # checked once the app is installed
        assert name in commands, f"{job.name}: manage.py {name} does not exist"


def test_every_pod_runs_as_non_root_on_a_read_only_root_with_resources(by_kind):
    pods = pod_specs(by_kind)
    assert len(pods) == 3 + len(SCHEDULE)
    for name, pod in pods.items():
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == 10001, name  # the image's user
        assert pod["automountServiceAccountToken"] is False, name
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            resources = container["resources"]
            assert set(resources["requests"]) == {"cpu", "memory"}, name
            assert set(resources["limits"]) == {"cpu", "memory"}, name
            # The one writable place is /tmp, an emptyDir of bounded size.
            (mount,) = container["volumeMounts"]
            assert mount["mountPath"] == "/tmp"
            assert volumes[mount["name"]]["emptyDir"]["sizeLimit"], name


def test_configuration_comes_from_the_configmap_and_the_secret(by_kind):
    for name, pod in pod_specs(by_kind).items():
        for container in pod["containers"]:
            sources = [
                next(iter(source.values()))["name"] for source in container.get("envFrom", [])
            ]
            assert sources == ["careerpath-config", "careerpath-secret"], name
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            assert env["TASKS_BACKEND"] == "database", name  # queued for the workers
    # The Secret in git holds example values only, each saying so.
    secret = by_kind["Secret"]["careerpath-secret"]
    assert set(secret["stringData"]) >= {"SECRET_KEY", "DATABASE_URL", "CACHE_URL"}
    for key, value in secret["stringData"].items():
        assert "example" in value, key
    assert "EXAMPLE VALUES ONLY" in (OVERLAY / "secret.yaml").read_text()
    assert "EXAMPLE VALUES" in (OVERLAY / "configmap.yaml").read_text()


def test_the_example_configuration_passes_djangos_deployment_checks(by_kind):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "careerpath.settings",
        **by_kind["ConfigMap"]["careerpath-config"]["data"],
        **by_kind["Secret"]["careerpath-secret"]["stringData"],
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_web_probes_ask_healthz_as_the_settings_accept(by_kind):
    (web,) = by_kind["Deployment"]["careerpath-web"]["spec"]["template"]["spec"]["containers"]
    config = by_kind["ConfigMap"]["careerpath-config"]["data"]
    ports = {port["name"]: port["containerPort"] for port in web["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = web[probe]["httpGet"]
        assert get["path"] == "/healthz", probe
        assert ports[get["port"]] == 8000, probe
        headers = {h["name"]: h["value"] for h in get["httpHeaders"]}
        assert headers["Host"] in config["ALLOWED_HOSTS"].split(","), probe
        assert config["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"
        assert headers["X-Forwarded-Proto"] == "https", probe
    env = {e["name"]: e["value"] for e in web["env"]}
    assert env["MIGRATE"] == "0"  # the migration Job migrates; web waits for it
    migrate = by_kind["Job"]["careerpath-migrate"]["spec"]["template"]["spec"]
    assert migrate["containers"][0]["args"] == ["migrate"]
    worker = by_kind["Deployment"]["careerpath-worker"]["spec"]["template"]["spec"]
    assert worker["containers"][0]["args"][0] == "worker"


def test_the_service_ingress_autoscaler_and_budgets_point_at_the_right_pods(by_kind):
    web = by_kind["Deployment"]["careerpath-web"]
    web_labels = web["spec"]["template"]["metadata"]["labels"]
    assert "replicas" not in web["spec"]  # the autoscaler owns the count
    service = by_kind["Service"]["careerpath-web"]["spec"]
    assert service["selector"].items() <= web_labels.items()
    (container,) = web["spec"]["template"]["spec"]["containers"]
    assert service["ports"][0]["targetPort"] in {port["name"] for port in container["ports"]}

    ingress = by_kind["Ingress"]["careerpath"]["spec"]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "careerpath-web", "port": {"name": service["ports"][0]["name"]}}
    host = ingress["rules"][0]["host"]
    assert ingress["tls"][0]["hosts"] == [host]
    config = by_kind["ConfigMap"]["careerpath-config"]["data"]
    assert host in config["ALLOWED_HOSTS"].split(",")
    assert f"https://{host}" in config["CSRF_TRUSTED_ORIGINS"].split(",")

    hpa = by_kind["HorizontalPodAutoscaler"]["careerpath-web"]["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "careerpath-web",
    }
    assert hpa["minReplicas"] >= 2
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"  # measured against requests
    pdb = by_kind["PodDisruptionBudget"]["careerpath-web"]["spec"]
    assert pdb["selector"]["matchLabels"].items() <= web_labels.items()
    assert pdb["minAvailable"] < hpa["minReplicas"]  # a drain can always proceed
    worker = by_kind["Deployment"]["careerpath-worker"]
    worker_pdb = by_kind["PodDisruptionBudget"]["careerpath-worker"]["spec"]
    worker_labels = worker["spec"]["template"]["metadata"]["labels"]
    assert worker_pdb["selector"]["matchLabels"].items() <= worker_labels.items()


# --- the containers as the manifests run them, on a read-only root -----------------------


def read_only_root(command: list[str], tmp: Path) -> list[str]:
    """`command` in a private mount namespace where / is read-only and `tmp` is /tmp,
    as a pod with readOnlyRootFilesystem and an emptyDir on /tmp sees its files. A
    checkout under /tmp (a fresh clone, CI) stays visible, read-only, at its own path."""
    script = 'mount --rbind "$0" /tmp && mount -o remount,bind,ro / && exec "$@"'
    if ROOT.is_relative_to("/tmp"):
        inside = tmp / ROOT.relative_to("/tmp")
        inside.mkdir(parents=True, exist_ok=True)
        keep = f'mount --bind "{ROOT}" "{inside}" && mount -o remount,bind,ro "{inside}" && '
        script = keep + script
    namespace = ["unshare", "--user", "--map-root-user", "--mount"]
    return [*namespace, "sh", "-c", script, str(tmp), *command]


def can_make_a_read_only_root(tmp: Path) -> bool:
    if not shutil.which("unshare"):
        return False
    probe = read_only_root(["sh", "-c", f"! touch {ROOT}/.ro-probe && touch /tmp/ok"], tmp)
    return subprocess.run(probe, capture_output=True).returncode == 0 and (tmp / "ok").exists()


def pod_env(by_kind, container: dict, **overrides: str) -> dict[str, str]:
    """The container's environment as Kubernetes builds it (ConfigMap, Secret, env), on
    top of what the image sets, with a local database for the test."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHON": sys.executable,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "COLLECTSTATIC": "0",  # as the Dockerfile sets: collected at build time
    }
    env.update(by_kind["ConfigMap"]["careerpath-config"]["data"])
    env.update(by_kind["Secret"]["careerpath-secret"]["stringData"])
    env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
    for unreachable in ("DATABASE_REPLICA_URL", "CACHE_URL", "EMAIL_URL"):
        env.pop(unreachable)  # the example hosts do not exist here
    env["DATABASE_URL"] = "sqlite:////tmp/careerpath.sqlite3"
    if not apps.is_installed("django_tasks_db"):
        env["TASKS_BACKEND"] = "immediate"  # until the task queue's app is installed
    env.update(overrides)
    return env


def container_command(container: dict) -> list[str]:
    """What the container runs: its command, or the image's entrypoint with its args."""
    if "command" in container:
        return [sys.executable if word == "python" else word for word in container["command"]]
    return [str(ROOT / "docker" / "entrypoint.sh"), *container.get("args", [])]


@pytest.mark.slow
def test_migrate_job_web_and_cronjobs_work_on_a_read_only_root(by_kind, tmp_path):
    """The migration Job, a web pod and each available CronJob, run as their manifests
    say on a read-only root: the web pod answers its probes and serves a page."""
    need(can_make_a_read_only_root(tmp_path), "unprivileged user and mount namespaces")
    collected = subprocess.run(  # the image's build step
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "careerpath.settings", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr

    def run(container: dict, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            read_only_root(container_command(container), tmp_path),
            cwd=ROOT,
            env=pod_env(by_kind, container, **extra),
            capture_output=True,
            text=True,
            timeout=180,
        )

    (migrate,) = by_kind["Job"]["careerpath-migrate"]["spec"]["template"]["spec"]["containers"]
    result = run(migrate)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "careerpath.sqlite3").exists()

    for job in SCHEDULE:
        spec = by_kind["CronJob"][f"careerpath-{job.name}"]["spec"]
        (container,) = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        package = FROM_PACKAGES.get(job.command[0])
        if package and not apps.is_installed(package):
            continue
        result = run(container)
        assert result.returncode == 0, f"{job.name}: {result.stdout}{result.stderr}"

    (web,) = by_kind["Deployment"]["careerpath-web"]["spec"]["template"]["spec"]["containers"]
    port = free_port()
    log = (tmp_path / "web.log").open("w")
    process = subprocess.Popen(
        read_only_root(container_command(web), tmp_path),
        cwd=ROOT,
        env=pod_env(by_kind, web, BIND="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        probe = web["readinessProbe"]["httpGet"]
        headers = {h["name"]: h["value"] for h in probe["httpHeaders"]}
        status, body = wait_for(f"http://127.0.0.1:{port}{probe['path']}", headers, 60)
        assert (status, body) == (200, b'{"status": "ok"}'), (tmp_path / "web.log").read_text()
        host = by_kind["Ingress"]["careerpath"]["spec"]["rules"][0]["host"]
        status, body = fetch(f"http://127.0.0.1:{port}/", {"Host": host, **headers})
        assert status == 200
        assert b"Careerpath" in body
        # Without the scheme header the same request is sent to HTTPS: why the probes
        # carry it (a redirect would count as healthy without asking the database).
        status, _ = fetch(f"http://127.0.0.1:{port}/healthz", {"Host": "localhost"})
        assert status == 301
        # The image's own HEALTHCHECK asks the same way.
        check = subprocess.run(
            [sys.executable, str(ROOT / "docker" / "healthcheck.py")],
            env={**os.environ, "PORT": str(port)},
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, headers: dict[str, str], seconds: float) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return fetch(url, headers)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
