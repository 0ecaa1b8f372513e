"""A second Chorale, started in a subprocess with its own SQLite database and files, whose `/cpro/` API plays
Chorus Pro for the connector's tests; and a proxy in front of it that answers errors or stalls on demand."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from tests.conftest import REPO_DIR

PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RemoteChorale:
    """`start()` migrates a fresh database and serves it; `run(...)` runs `tests.cpro.remote_world` there."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'remote.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "SECRET_KEY": "remote-chorale-test-only-0123456789abcdefghijklmnopqrstuvwxyz",
            "CHORALE_TESTING": "1",
            "TEST_DATABASE_NAME": "",
            "PYTHONPATH": str(REPO_DIR),
        }
        self.server = None
        self.log = open(folder / "server.log", "wb")  # noqa: SIM115  (closed in stop())

    def _manage(self, *args, timeout=300):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO_DIR,
            env=self.env,
            capture_output=True,
            timeout=timeout,
            check=True,
        )

    def start(self):
        self._manage("migrate", "--noinput")
        self.server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=REPO_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/cpro/transverses/v1/health-check", timeout=2).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError(
            f"the second Chorale did not start: {(self.folder / 'server.log').read_text()[-2000:]}"
        )

    def run(self, *args) -> dict:
        done = subprocess.run(
            [PYTHON, "-m", "tests.cpro.remote_world", *map(str, args)],
            cwd=REPO_DIR,
            env=self.env,
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(done.stderr.decode()[-3000:])
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def stop(self):
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self.log.close()


class FaultyProxy:
    """Forwards every request to `target`; a plan of faults makes chosen requests fail first.

    `fail(times, status, path="")`: the next `times` requests whose path contains `path` answer `status`.
    `stall(times, seconds, path="")`: they answer only after `seconds` (past the client's timeout).
    """

    def __init__(self, target: str):
        self.target = target
        self.faults: list[dict] = []
        self.calls: list[str] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy._handle(self, "GET")

            def do_POST(self):
                proxy._handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, times: int, status: int, path: str = ""):
        self.faults.append({"times": times, "status": status, "path": path})

    def stall(self, times: int, seconds: float, path: str = ""):
        self.faults.append({"times": times, "stall": seconds, "path": path})

    def _fault_for(self, path: str) -> dict | None:
        with self.lock:
            self.calls.append(path)
            for fault in self.faults:
                if fault["times"] > 0 and fault["path"] in path:
                    fault["times"] -= 1
                    return fault
        return None

    def _handle(self, handler, method: str):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        fault = self._fault_for(handler.path)
        try:
            if fault and "stall" in fault:
                time.sleep(fault["stall"])
            if fault and "status" in fault:
                payload = b"<html>Service Unavailable</html>"
                handler.send_response(fault["status"])
                handler.send_header("Content-Type", "text/html")
                handler.send_header("Content-Length", str(len(payload)))
                handler.end_headers()
                handler.wfile.write(payload)
                return
            headers = {
                k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length")
            }
            answer = requests.request(
                method, self.target + handler.path, data=body, headers=headers, timeout=60
            )
            handler.send_response(answer.status_code)
            for name in ("Content-Type", "WWW-Authenticate"):
                if name in answer.headers:
                    handler.send_header(name, answer.headers[name])
            handler.send_header("Content-Length", str(len(answer.content)))
            handler.end_headers()
            handler.wfile.write(answer.content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: that was the point of the stall
