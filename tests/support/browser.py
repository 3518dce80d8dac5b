"""Headless Chromium driven by ChromeDriver over the W3C WebDriver protocol (plain HTTP,
Debian's chromium and chromium-driver), and a small static site on its own origin."""
import base64
import http.server
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.support import free_port, wait_until

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "artifacts"
# The network is closed: nothing of Chromium's own may phone home or wait for it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1200,900"]


class Browser:
    def __init__(self):
        for tool in ("chromium", "chromedriver"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} is not installed: run `make test-tools` (Debian's chromium and "
                                   "chromium-driver)")
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        self.port = free_port()
        self.driver = subprocess.Popen(["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_until(self._ready, timeout=30, message="chromedriver to answer")
        capabilities = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium"), "args": CHROMIUM_ARGS + [f"--user-data-dir={self.profile}"]}}}}
        session = requests.post(f"{self.base}/session", json=capabilities, timeout=60).json()["value"]
        self.session = f"{self.base}/session/{session['sessionId']}"

    def _ready(self):
        try:
            return requests.get(f"{self.base}/status", timeout=2).json()["value"]["ready"]
        except (requests.RequestException, ValueError, KeyError):
            return False

    def _command(self, method, path, body=None):
        response = requests.request(method, self.session + path, json=body, timeout=60)
        value = response.json()["value"]
        if response.status_code != 200:
            raise AssertionError(f"WebDriver {path}: {value}")
        return value

    def open(self, url):
        self._command("POST", "/url", {"url": url})

    def script(self, source, *args):
        return self._command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def text(self, selector) -> str:
        return self.script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                           selector) or ""

    def wait_for_text(self, selector, predicate, timeout=30, message=None):
        return wait_until(lambda: predicate(self.text(selector)), timeout=timeout,
                          message=message or f"{selector} in the page")

    def screenshot(self, name) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        path.write_bytes(base64.b64decode(self._command("GET", "/screenshot")))
        return path

    def close(self):
        try:
            requests.delete(self.session, timeout=30)
        except requests.RequestException:
            pass
        self.driver.terminate()
        try:
            self.driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Site:
    """Serves one page (HTML text) at / on 127.0.0.1 or localhost, a port of its own."""

    def __init__(self, page: str, host="127.0.0.1"):
        body = page.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
