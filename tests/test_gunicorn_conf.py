"""deploy/gunicorn.conf.py as gunicorn itself reads it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

CONF = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def cfg(monkeypatch):
    """gunicorn's settings after loading the file, as `gunicorn -c deploy/gunicorn.conf.py`."""
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(CONF)])
    app = WSGIApplication()
    app.load_config()
    return app.cfg


def test_the_production_settings_are_the_ones_gunicorn_reads(cfg):
    assert cfg.worker_class_str == "gthread"
    assert cfg.preload_app is True
    assert cfg.accesslog is None  # the app logs each request once


def test_each_worker_hands_the_gil_back_within_a_millisecond(cfg):
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        cfg.post_fork(None, None)  # what the master calls in each new worker
        assert sys.getswitchinterval() == pytest.approx(0.001)
    finally:
        sys.setswitchinterval(before)


@pytest.mark.parametrize("value", ["fast", "0", "-1", "5"])
def test_a_bad_switch_interval_stops_gunicorn_with_its_name(monkeypatch, value):
    monkeypatch.setenv("OTIOSE_SWITCH_INTERVAL", value)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(CONF)])
    with pytest.raises(SystemExit, match="OTIOSE_SWITCH_INTERVAL"):
        WSGIApplication().load_config()
