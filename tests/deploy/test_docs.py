"""docs/deploy.md leads to every file an install is made of."""

from tests.deploy.envfile import ROOT

INSTALL_FILES = [
    "deploy/Dockerfile",
    "deploy/Dockerfile.dockerignore",
    "deploy/docker-compose.yml",
    "deploy/nginx.conf",
    "deploy/env.example",
    "deploy/Procfile",
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "deploy" / "systemd").iterdir()),
]


def test_every_install_file_is_referenced_from_the_deploy_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    missing = [name for name in INSTALL_FILES if f"](../{name})" not in guide]
    assert not missing, missing
