"""A live MPEG-TS origin for the benchmark scripts: serves one file in real time, every connection
starting at the current live position (mid-GOP, as a head-end does), and records which paths were
requested when and how many connections each has open. Python 3 stdlib only."""
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn

TS = 188


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def now_ms():
    return time.monotonic() * 1000


class LiveOrigin(ThreadingMixIn, HTTPServer):
    """data: the TS bytes; rate: bytes per second; lead: seconds sent ahead of real time; tick: seconds between writes."""
    daemon_threads = True

    def __init__(self, data, rate, lead=0.0, tick=0.04):
        self.data, self.rate, self.lead, self.tick, self.epoch = data, rate, lead, tick, time.monotonic()
        self.requests = []  # (ms, path)
        self.open = {}  # path -> open connections
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _LiveHandler)

    def url(self, path):
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def first_request_after(self, path, t0, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                hits = [t for t, p in self.requests if p == path and t >= t0]
            if hits:
                return hits[0]
            time.sleep(0.005)
        return None


class _LiveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def do_GET(self):
        srv = self.server
        with srv.lock:
            srv.requests.append((now_ms(), self.path))
            srv.open[self.path] = srv.open.get(self.path, 0) + 1
        try:
            self.send_response(200)
            self.send_header("Content-Type", "video/mp2t")
            self.end_headers()
            size = len(srv.data) - len(srv.data) % TS
            start = time.monotonic()
            pos = int((start - srv.epoch) * srv.rate) % size // TS * TS
            sent = 0
            ahead = int(srv.rate * srv.lead)
            while True:
                due = int((time.monotonic() - start) * srv.rate) - sent + ahead
                due -= due % TS
                while due > 0:
                    n = min(due, size - pos)
                    self.wfile.write(srv.data[pos:pos + n])
                    pos, sent, due = (pos + n) % size, sent + n, due - n
                time.sleep(srv.tick)
        except OSError:
            pass
        finally:
            with srv.lock:
                srv.open[self.path] -= 1
