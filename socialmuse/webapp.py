"""Build the Reflex frontend once, then serve it without rebuilding.

Why this exists: ``reflex run --env prod`` recompiles the app and re-runs the Vite
production build on *every* start (reflex 0.10.1 ``_run_prod`` calls
``build.setup_frontend_prod`` unconditionally), which costs tens of seconds on two cores.
Instead we:

1. ``ensure_built``: run ``reflex export --frontend-only --no-zip --env prod`` only when a
   fingerprint of everything that shapes the bundle (app sources, rxconfig, assets, the
   Reflex version, the port baked into ``env.json``) differs from the one stored beside the
   last build in ``.web``;
2. ``serve``: start Reflex's production backend with the compiled frontend mounted on the same
   port (what ``reflex run --env prod`` does after its build, minus the build).

Usage: ``python -m socialmuse.webapp build|serve [--port N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

STAMP_NAME = "socialmuse-build.sha256"
# Env vars that change what the bundle contains (the backend URL is baked into env.json).
_BUILD_ENV_PREFIXES = ("REFLEX_API_URL", "REFLEX_DEPLOY_URL", "REFLEX_FRONTEND_PATH")
_BUILD_ENV_NAMES = ("REFLEX_FRONTEND_PORT", "REFLEX_BACKEND_PORT")


def app_root() -> Path:
    """The directory holding rxconfig.py: SOCIALMUSE_APP_ROOT, the source checkout, or cwd."""
    from socialmuse.settings import get_settings

    if override := get_settings().app_root:
        return override.resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "rxconfig.py").exists():
        return checkout
    return Path.cwd()


def port_env(port: int) -> dict[str, str]:
    """Frontend and backend share one port in production, as ``reflex run --env prod`` does."""
    return {"REFLEX_FRONTEND_PORT": str(port), "REFLEX_BACKEND_PORT": str(port)}


_SKIP_DIRS = {
    ".web",
    ".venv",
    ".git",
    ".states",
    "data",
    "tests",
    "docs",
    "node_modules",
    "__pycache__",
    "alembic",
    "reflex.lock",
}
_SOURCE_SUFFIXES = {".py", ".css", ".js", ".jsx", ".json"}


def _source_files(root: Path) -> Iterable[Path]:
    """Python/CSS/JS sources under the app root plus everything in assets/, sorted."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root).parts
        skip = _SKIP_DIRS | ({"external"} if rel == ("assets",) else set())
        # assets/external is rewritten by every compile (symlinks), so it is not an input
        dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith("."))
        in_assets = rel[:1] == ("assets",)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if in_assets or path.suffix in _SOURCE_SUFFIXES:
                yield path


def fingerprint(root: Path, env: Mapping[str, str]) -> str:
    """SHA-256 over source contents, the Reflex version and the build-shaping env vars."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(f"reflex={version('reflex')}\n".encode())
    for name in sorted(env):
        if name in _BUILD_ENV_NAMES or name.startswith(_BUILD_ENV_PREFIXES):
            digest.update(f"{name}={env[name]}\n".encode())
    for path in _source_files(root):
        if path.exists():
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _web_dir(root: Path) -> Path:
    return root / os.environ.get("REFLEX_WEB_WORKDIR", ".web")


def is_built(root: Path, env: Mapping[str, str]) -> bool:
    """True when the stored build matches the current fingerprint and its files exist."""
    web = _web_dir(root)
    stamp = web / STAMP_NAME
    return (
        (web / "build" / "client" / "index.html").exists()
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint(root, env)
    )


def invalidate(root: Path) -> None:
    """Forget the stored build: the dev server rewrites .web, so the next prod start rebuilds."""
    (_web_dir(root) / STAMP_NAME).unlink(missing_ok=True)


def ensure_built(root: Path, port: int, env: Mapping[str, str] | None = None) -> bool:
    """Build the production frontend if needed; returns True if a build ran.

    Raises ``RuntimeError`` with a one-line reason when the build fails.
    """
    build_env = {**(env if env is not None else os.environ), **port_env(port)}
    if is_built(root, build_env):
        return False
    print("socialmuse: building the web frontend (first start or code changed)...", flush=True)
    cmd = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
    result = subprocess.run([*cmd, "--env", "prod"], cwd=root, env=build_env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"frontend build failed (reflex export exit code {result.returncode})")
    (_web_dir(root) / STAMP_NAME).write_text(fingerprint(root, build_env) + "\n")
    return True


def serve(port: int, host: str = "0.0.0.0") -> None:
    """Run Reflex's production server (Granian/Uvicorn) with the built frontend mounted.

    Mirrors reflex.reflex._run_prod after its build step; ``REFLEX_SKIP_COMPILE`` keeps the
    backend from recompiling pages that the export already produced.
    """
    from socialmuse.settings import get_settings

    settings = get_settings()
    os.environ.update(port_env(port))
    if settings.web_workers:
        os.environ.setdefault("GRANIAN_WORKERS", str(settings.web_workers))
    from reflex.utils import exec as rx_exec
    from reflex_base import constants
    from reflex_base.config import get_config
    from reflex_base.environment import environment

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    config = get_config()
    rx_exec.run_backend_prod(host, port, config.loglevel.subprocess_level(), True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m socialmuse.webapp", description=__doc__)
    parser.add_argument("action", choices=["build", "serve"])
    from socialmuse.settings import get_settings

    settings = get_settings()
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--host", default=settings.host)
    args = parser.parse_args(argv)
    root = app_root()
    os.chdir(root)  # Reflex finds rxconfig.py and .web relative to the working directory
    if args.action == "build":
        try:
            ensure_built(root, args.port)
        except RuntimeError as exc:
            print(f"socialmuse: {exc}", file=sys.stderr)
            return 1
        return 0
    serve(args.port, args.host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
