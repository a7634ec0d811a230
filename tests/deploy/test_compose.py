"""deploy/docker-compose.yml and deploy/Dockerfile agree with each other, nginx and the Procfile.

Docker is not needed: the file is loaded as YAML (anchors and merge keys resolved, as Compose
does) and its wiring checked.
"""

import ipaddress
import re
import shlex

import pytest
import yaml

from tests.deploy.envfile import ROOT

DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]


def _command(service: dict) -> str:
    command = service.get("command", "")
    return command if isinstance(command, str) else shlex.join(command)


def _app_services(services) -> dict:
    """Services that run the cowork image (built here or named cowork)."""
    return {
        name: service
        for name, service in services.items()
        if "build" in service or str(service.get("image", "")).startswith("cowork")
    }


def _web_services(services) -> dict:
    return {
        name: service
        for name, service in _app_services(services).items()
        if "daphne" in _command(service)
    }


def test_the_topology_is_all_there(services):
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["nginx"]["image"].startswith("nginx:")
    assert len(_web_services(services)) >= 2
    assert "qcluster" in _command(services["qcluster"])
    assert set(_app_services(services)) == {"release", "qcluster", *_web_services(services)}


def test_every_app_service_gets_the_env_file_and_the_databases_of_this_file(services):
    for name, service in _app_services(services).items():
        assert service["env_file"] == ["cowork.env"], name
        env = service["environment"]
        database_url = r"postgres://cowork:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432/cowork"
        assert re.fullmatch(database_url, env["DATABASE_URL"]), name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}, name
    db_env = services["db"]["environment"]
    assert (db_env["POSTGRES_USER"], db_env["POSTGRES_DB"]) == ("cowork", "cowork")
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_everything_waits_for_the_release_and_the_release_for_its_databases(services):
    for name, service in _app_services(services).items():
        if name == "release":
            continue
        assert service["depends_on"]["release"] == {
            "condition": "service_completed_successfully"
        }, name
    assert services["release"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["release"]["restart"] == "no"
    for name, service in services.items():
        for dependency, how in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if how["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], dependency


def test_web_processes_trust_proxy_headers_and_are_reached_only_through_nginx(services):
    for name, service in _web_services(services).items():
        command = _command(service)
        assert "--port=8000" in command and "--no-server-name" in command, name
        # daphne would believe any peer; the application believes the private network only.
        assert "--proxy-headers" not in command, name
        trusted = service["environment"]["TRUSTED_PROXIES"].split(",")
        assert "172.16.0.0/12" in trusted and all(
            ipaddress.ip_network(proxy).is_private for proxy in trusted
        ), name
        assert "ports" not in service, f"{name} must not be published past nginx"
        assert "/healthz" in " ".join(service["healthcheck"]["test"])
    assert services["nginx"]["depends_on"] == {
        name: {"condition": "service_healthy"} for name in _web_services(services)
    }


def test_nginx_balances_over_exactly_the_web_services(services):
    conf = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream cowork_web \{(.*?)\}", conf, re.S).group(1)
    servers = set(re.findall(r"^\s*server (\S+?)(?:\s|;)", upstream, re.M))
    assert servers == {f"{name}:8000" for name in _web_services(services)}


def test_static_files_go_from_the_release_to_nginx_through_one_volume(services):
    release_volumes = services["release"]["volumes"]
    assert "static:/app/var/static" in release_volumes
    assert services["release"]["environment"]["STATIC_ROOT"] == "/app/var/static"
    assert "static:/srv/static:ro" in services["nginx"]["volumes"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    conf = (DEPLOY / "nginx.conf").read_text()
    # `root /srv` under /static/ serves /srv/static/<name>.
    assert re.search(r"location /static/ \{\s*root /srv;", conf)
    for name in ("qcluster", *_web_services(services)):
        assert "static:/app/var/static:ro" in services[name]["volumes"], name


def test_photos_go_from_the_web_processes_to_nginx_through_one_volume(services):
    """Whichever web process took a centre's photo, nginx serves it at /media/."""
    for name in _web_services(services):
        assert "media:/app/var/media" in services[name]["volumes"], name
        assert services[name]["environment"]["MEDIA_ROOT"] == "/app/var/media"
    assert "media:/srv/media:ro" in services["nginx"]["volumes"]
    conf = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"location /media/ \{\s*root /srv;", conf)
    upload = re.search(r"location ~ \^/centres/\[\^/\]\+/manage/photo/\$ \{(.*?)\}", conf, re.S)
    assert "client_max_body_size 10m;" in upload.group(1)


def _release_steps(text: str) -> list[str]:
    return re.findall(r"manage\.py (migrate|collectstatic|apply_schedules)", text)


def test_release_runs_the_same_steps_as_the_procfile_and_systemd(services):
    compose = _release_steps(_command(services["release"]))
    assert compose == ["migrate", "collectstatic", "apply_schedules"]
    procfile = next(
        line
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line.startswith("release:")
    )
    assert sorted(_release_steps(procfile)) == sorted(compose)
    unit = (DEPLOY / "systemd" / "cowork-release.service").read_text()
    assert sorted(_release_steps(unit)) == sorted(compose)
    assert _release_steps(unit)[0] == "migrate" and _release_steps(procfile)[0] == "migrate"


def test_the_image_is_python_311_slim_with_the_project_installed():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^RUN pip install (-e )?\.$", dockerfile, re.M)
    assert re.search(r"^USER cowork$", dockerfile, re.M)
    assert "compile_translations" in dockerfile
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".venv", ".git", "deploy/cowork.env"} <= set(ignored)


def test_the_task_cluster_has_time_to_stop_before_docker_kills_it(services, settings):
    grace = services["qcluster"]["stop_grace_period"]
    assert grace.endswith("s") and int(grace[:-1]) > settings.TASKS_STOP_GRACE_SECONDS + 5
