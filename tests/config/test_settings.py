import pytest

from config.settings import SETTINGS, SettingsError, load_settings, settings_table_markdown


def test_defaults_without_file_or_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(environ={})
    assert s.data_dir == "./var"
    assert s.database_url == ""
    assert s.search_url == ""
    assert s.allow_private_networks == ()
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'var' / 'catalog.sqlite3'}"
    assert s.origin("data_dir") == "default"


def test_file_then_environment_override_in_that_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hub.toml").write_text('data_dir = "/srv/hub"\nweb_port = 8080\nsearch_url = "http://es:9200"\n')
    s = load_settings(environ={"SHAREHUB_CONFIG": str(tmp_path / "hub.toml"), "SHAREHUB_WEB_PORT": "9000",
                               "SHAREHUB_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8, 10.1.2.0/24"})
    assert s.data_dir == "/srv/hub" and s.origin("data_dir").startswith("file")
    assert s.web_port == 9000 and s.origin("web_port") == "env SHAREHUB_WEB_PORT"
    assert s.search_url == "http://es:9200"
    assert s.allow_private_networks == ("127.0.0.0/8", "10.1.2.0/24")


def test_database_url_overrides_the_data_dir_catalog():
    s = load_settings(environ={"SHAREHUB_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert s.effective_database_url == "postgresql+psycopg://u@h/db"


def test_sharehub_toml_in_working_directory_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sharehub.toml").write_text("[sharehub]\npage_size = 7\n")
    assert load_settings(environ={}).page_size == 7


@pytest.mark.parametrize("env, message", [
    ({"SHAREHUB_WEB_PORT": "eighty"}, "SHAREHUB_WEB_PORT"),
    ({"SHAREHUB_ALLOW_PRIVATE_NETWORKS": "10.0.0.0/33"}, "SHAREHUB_ALLOW_PRIVATE_NETWORKS"),
    ({"SHAREHUB_CONFIG": "/no/such/file.toml"}, "file not found"),
])
def test_bad_values_name_the_setting(env, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=env)


def test_unknown_key_in_file_is_refused(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("datadir = 'oops'\n")
    with pytest.raises(SettingsError, match="unknown setting 'datadir'"):
        load_settings(environ={}, config_file=path)


def test_readme_settings_table_is_the_generated_one():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert settings_table_markdown() in readme, "README settings table is stale: run `sharehub config --markdown`"
    assert all(s.env in readme for s in SETTINGS)


def test_shown_values_hide_secrets_and_url_passwords():
    settings = load_settings(environ={"SHAREHUB_SMTP_PASSWORD": "hunter2", "SHAREHUB_SECRET_KEY": "k3y",
                                      "SHAREHUB_DATABASE_URL": "postgresql+psycopg://hub:s3cret@db.example/hub",
                                      "SHAREHUB_SEARCH_URL": "http://elastic.example:9200"})
    assert settings.shown("smtp_password") == settings.shown("secret_key") == "(set, hidden)"
    assert settings.shown("admin_password_hash") == ""          # not set: says so
    assert settings.shown("database_url") == "postgresql+psycopg://hub:***@db.example/hub"
    assert settings.shown("search_url") == "http://elastic.example:9200"
    assert settings.smtp_password == "hunter2"                  # the value itself is untouched
    shown = " ".join(str(settings.shown(k)) for k in settings)
    assert "hunter2" not in shown and "s3cret" not in shown and "k3y" not in shown
