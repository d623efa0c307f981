"""Settings and reference data (categories, Seoul districts and dongs)."""

from config.settings import SETTINGS, Setting, Settings, SettingsError, load_settings

__all__ = ["SETTINGS", "Setting", "Settings", "SettingsError", "load_settings"]
