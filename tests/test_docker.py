"""docker/: the compose file and Dockerfile (no Docker engine here: their shape, and
`docker compose config` when the compose plugin is installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from stewardgraph import Settings

DOCKER = Path(__file__).resolve().parent.parent / "docker"


def test_compose_runs_neo4j_and_the_service_configured_by_environment() -> None:
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    services = compose["services"]
    assert services["neo4j"]["image"] == "neo4j:5-community"
    service = services["stewardgraph"]
    assert service["build"]["dockerfile"] == "docker/Dockerfile"
    assert service["environment"]["STEWARDGRAPH_NEO4J_URI"] == "bolt://neo4j:7687"
    known = {f"STEWARDGRAPH_{name.upper()}" for name in Settings.model_fields}
    for name in ("stewardgraph", "sync"):
        unknown = {k for k in services[name]["environment"] if k.startswith("STEWARDGRAPH_")} - known
        assert not unknown, f"{name} sets unknown settings {unknown}"
    assert services["sync"]["command"] == ["neo4j", "sync"]


def test_dockerfile_installs_builds_and_serves() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert "pip install" in text and "build" in text and 'CMD ["serve"]' in text


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode != 0
    if shutil.which("docker") else True,
    reason="the docker compose plugin is not installed, so `docker compose config` cannot run here",
)
def test_docker_compose_config_validates() -> None:
    done = subprocess.run(["docker", "compose", "-f", str(DOCKER / "compose.yml"), "config", "--quiet"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
