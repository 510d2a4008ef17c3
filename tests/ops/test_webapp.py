"""The frontend build cache that lets a restart skip Reflex's production build."""

from __future__ import annotations

from pathlib import Path

from socialmuse import webapp


def make_app(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "rxconfig.py").write_text("config = None\n")
    (root / "app" / "app.py").write_text("PAGE = 'v1'\n")
    (root / "assets").mkdir()
    (root / "assets" / "logo.svg").write_text("<svg/>")
    return root


def test_fingerprint_follows_sources_assets_and_port(tmp_path):
    root = make_app(tmp_path)
    env = webapp.port_env(3000)
    base = webapp.fingerprint(root, env)
    assert webapp.fingerprint(root, env) == base

    (root / "app" / "app.py").write_text("PAGE = 'v2'\n")
    changed_source = webapp.fingerprint(root, env)
    assert changed_source != base

    (root / "assets" / "logo.svg").write_text("<svg id='new'/>")
    assert webapp.fingerprint(root, env) != changed_source

    assert webapp.fingerprint(root, webapp.port_env(3001)) != webapp.fingerprint(root, env)


def test_fingerprint_ignores_what_the_build_itself_writes(tmp_path):
    root = make_app(tmp_path)
    env = webapp.port_env(3000)
    base = webapp.fingerprint(root, env)
    for generated in (
        ".web/build/client/index.html",
        "reflex.lock/package-lock.json",
        "assets/external/reflex/x.js",
        "data/socialmuse.db",
        "app/__pycache__/a.pyc",
    ):
        path = root / generated
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("generated")
    assert webapp.fingerprint(root, env) == base


def test_is_built_needs_both_the_bundle_and_a_matching_stamp(tmp_path):
    root = make_app(tmp_path)
    env = webapp.port_env(3000)
    assert not webapp.is_built(root, env)
    index = root / ".web" / "build" / "client" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text("<html/>")
    assert not webapp.is_built(root, env)
    (root / ".web" / webapp.STAMP_NAME).write_text(webapp.fingerprint(root, env) + "\n")
    assert webapp.is_built(root, env)
    (root / "app" / "app.py").write_text("PAGE = 'v3'\n")
    assert not webapp.is_built(root, env)


def test_ensure_built_skips_the_build_when_current(tmp_path, monkeypatch):
    root = make_app(tmp_path)
    env = webapp.port_env(3000)
    index = root / ".web" / "build" / "client" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text("<html/>")
    (root / ".web" / webapp.STAMP_NAME).write_text(webapp.fingerprint(root, env))

    def no_build(*args, **kwargs):
        raise AssertionError("the build must not run when nothing changed")

    monkeypatch.setattr(webapp.subprocess, "run", no_build)
    assert webapp.ensure_built(root, 3000, env={}) is False
