"""When the search engine is down, the portal and the API say so clearly: 503, no stack trace."""

from __future__ import annotations

import socket

from config import load_settings
from search_ui import create_app


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_search_answers_503_with_a_clear_message_when_elasticsearch_is_down(tmp_path):
    settings = load_settings(environ={}, overrides={
        "data_dir": str(tmp_path / "var"), "secret_key": "test",
        "search_url": f"http://elastic:hunter2@127.0.0.1:{closed_port()}"})
    client = create_app({"TESTING": True}, settings=settings).test_client()
    response = client.get("/api/v1/listings?q=공구")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error == "elasticsearch: the search engine is not answering"
    # Neither the node's address nor the password in its URL reaches the public.
    for path in ("/api/v1/listings?q=x", "/?q=x", "/feeds/search.atom?q=x", "/feeds/search.json"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 503 and "hunter2" not in body and "127.0.0.1" not in body, path
    page = client.get("/?q=공구&lang=en")
    assert page.status_code == 503
    text = page.get_data(as_text=True)
    assert "Search is unavailable" in text and "Traceback" not in text
