"""Shared fixtures: settings for a throwaway data folder, an app, its test client."""

from __future__ import annotations

import pytest

from config import load_settings


@pytest.fixture
def settings(tmp_path):
    """Embedded defaults in a fresh data folder; loopback allowed for the partner simulator."""
    return load_settings(environ={}, overrides={
        "data_dir": str(tmp_path / "var"), "allow_private_networks": "127.0.0.0/8",
        "per_host_delay": 0, "download_timeout": 5, "crawl_timeout": 60, "secret_key": "test"})
