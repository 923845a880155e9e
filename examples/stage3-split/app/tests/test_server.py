import json
import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from shop.server import Handler


@pytest.fixture()
def base_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_health(base_url):
    with urllib.request.urlopen(base_url + "/health") as r:
        assert json.load(r) == {"status": "UP"}


def test_metrics(base_url):
    with urllib.request.urlopen(base_url + "/metrics") as r:
        assert b"shop_cart_up 1" in r.read()


def test_unknown_path_is_404(base_url):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base_url + "/nope")
    assert err.value.code == 404
