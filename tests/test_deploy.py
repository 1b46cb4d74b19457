"""The deployment files: the Dockerfile passes hadolint and keeps its promises, compose.yaml wires a scale-out
deployment from real settings, and the README documents every setting with its default."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from live import free_port, serve
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from api.config import Settings
from api.db import make_engine
from seed.loader import load

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
LOCK = (ROOT / "requirements.lock").read_text()
FINAL_STAGE = DOCKERFILE.rsplit("\nFROM ", 1)[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SETTINGS = {name.upper() for name in Settings.model_fields}


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, "--failure-threshold", "info", "Dockerfile"], cwd=ROOT, capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_pinned_slim_non_root_and_serves_the_production_command() -> None:
    bases = re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.M)
    assert len(bases) == 2, "a build stage and a final stage"
    assert all(re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", base) for base in bases), bases
    assert re.search(r"^USER 10001:10001$", FINAL_STAGE, flags=re.M)
    assert "HEALTHCHECK" in FINAL_STAGE
    assert not re.search(r"apt-get|gcc|build-essential|pip install", FINAL_STAGE), "no build tools in the final image"
    assert FINAL_STAGE.rstrip().endswith('CMD ["python", "-m", "api"]')


def _locked() -> dict[str, tuple[str, str, list[str]]]:
    """requirements.lock as {name: (version, marker, hashes)}."""
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)(?: ; ([^\\\n]+?))?((?: \\\n\s+--hash=\S+)+)", LOCK, flags=re.M)
    return {canonicalize_name(name): (version, marker, re.findall(r"--hash=(sha256:[0-9a-f]{64})", hashes))
            for name, version, marker, hashes in entries}  # fmt: skip


def test_the_lock_pins_every_dependency_with_hashes_within_pyproject_ranges() -> None:
    """The image installs requirements.lock with hashes required; it must be the dependencies pyproject names."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        wanted = [Requirement(line) for line in tomllib.load(f)["project"]["dependencies"]]
    locked = _locked()
    pins = re.findall(r"^\S+==", LOCK, flags=re.M)
    assert len(locked) == len(pins) >= len(wanted), "every pin is read, each with its hashes"
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is in pyproject.toml but not locked: regenerate requirements.lock"
        assert requirement.specifier.contains(locked[name][0]), f"{name}=={locked[name][0]} is outside {requirement}"
        for extra in requirement.extras:  # psycopg[binary] needs psycopg-binary locked too
            assert canonicalize_name(f"{name}-{extra}") in locked
    assert all(hashes for _, _, hashes in locked.values())
    # Nothing locked that no requirement pulls in: every entry says what needs it.
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", LOCK.split("\n", 2)[2])
    assert all("# via" in block for block in blocks)


def test_the_image_installs_the_lock_with_hashes_and_nothing_else() -> None:
    assert "COPY pyproject.toml README.md requirements.lock ./" in DOCKERFILE
    installs = re.findall(r"pip install ([^\\&\n]+)", DOCKERFILE)
    assert [i.strip() for i in installs] == ["--no-cache-dir --require-hashes -r requirements.lock",
                                             "--no-cache-dir --no-deps ."]  # fmt: skip


def _healthcheck() -> list[str]:
    command = re.search(r"HEALTHCHECK .*?CMD (\[.*?\])\n", DOCKERFILE, flags=re.S)
    assert command is not None
    program, *arguments = json.loads(command.group(1))
    assert program == "python"
    return [sys.executable, *arguments]


@pytest.mark.live
def test_the_healthcheck_command_passes_on_a_live_server_and_fails_without_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tip.db'}"
    engine = make_engine(url)
    load(engine)
    engine.dispose()
    with serve(url, tmp_path / "server.log") as server:
        port = server.base.rsplit(":", 1)[1]
        alive = subprocess.run(_healthcheck(), env={"PORT": port}, capture_output=True, timeout=10)
    dead = subprocess.run(_healthcheck(), env={"PORT": str(free_port())}, capture_output=True, timeout=10)
    assert alive.returncode == 0, alive.stderr
    assert dead.returncode != 0


def test_compose_migrates_once_then_starts_read_only_replicas() -> None:
    services = COMPOSE["services"]
    assert services["seed"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["api"]["depends_on"] == {
        "seed": {"condition": "service_completed_successfully"}, "redis": {"condition": "service_healthy"},
    }  # fmt: skip
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["seed"]["environment"]["DATABASE_URL"].startswith("postgresql://tip_owner:")
    assert services["api"]["environment"]["DATABASE_URL"].startswith("postgresql://tip_reader:")
    assert "GRANT SELECT ON TABLES TO tip_reader" in COMPOSE["configs"]["create-reader"]["content"]
    assert "INSERT" not in COMPOSE["configs"]["create-reader"]["content"]


def test_compose_replicas_share_one_rate_limit_count() -> None:
    services = COMPOSE["services"]
    assert services["api"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["redis"]["image"].startswith("redis:7.4.")


@pytest.mark.parametrize("service", ["seed", "api"])
def test_compose_sets_only_real_settings(service: str) -> None:
    assert set(COMPOSE["services"][service]["environment"]) <= SETTINGS


def test_compose_gives_a_stopping_replica_more_time_than_its_graceful_shutdown() -> None:
    grace = int(COMPOSE["services"]["api"]["stop_grace_period"].removesuffix("s"))
    assert grace > Settings.model_fields["shutdown_timeout"].default


def test_the_readme_documents_every_setting_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text()
    # An empty default is written "(empty)".
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| (?:`([^`]*)`|\(empty\)) \|", readme, flags=re.M))
    assert set(rows) == SETTINGS
    for name, documented in rows.items():
        default = str(Settings.model_fields[name.lower()].default)
        assert documented == default.replace("True", "true").replace("False", "false"), name


@pytest.mark.parametrize(
    ("packages", "says", "code"),
    [
        ([{"name": "a", "skip_reason": "not found"}, {"name": "b", "skip_reason": "not found"}],
         "audited 0 of 2 installed packages; 2 could not be audited from this network: nothing was checked", 0),
        ([{"name": "a", "version": "1", "vulns": []}, {"name": "b", "skip_reason": "not found"}],
         "audited 1 of 2 installed packages; 1 could not be audited from this network; no known vulnerabilities",
         0),
        ([{"name": "a", "version": "1", "vulns": [{"id": "PYSEC-1"}]}], "1 known vulnerabilities:\n  a 1: PYSEC-1", 1),
    ],
)  # fmt: skip
def test_ci_says_how_many_packages_the_audit_really_checked(packages: list[object], says: str, code: int) -> None:
    result = subprocess.run([sys.executable, ROOT / ".ci" / "audit.py"], input=json.dumps({"dependencies": packages}),
                            capture_output=True, text=True)  # fmt: skip
    assert says in result.stdout
    assert result.returncode == code
