#!/usr/bin/env python3
"""The cluster's timing promises (issue #12), measured: a real redis-server on a free loopback port,
three instances of the given binary (the AOT binary or the JIT build's app host) sharing it, and a
paced live origin in this process (H.264+AAC MPEG-TS in real time; each connection starts at the
live position). Python 3 stdlib + ffmpeg + redis-server; loopback only; bounded (~3-5 minutes).

  scripts/bench-cluster.py --proxy-bin artifacts/publish/m3u-proxy [--runs 10] [--takeover-runs 6] [--redis-runs 5]

What it measures (each N times, instances taking turns):
  create -> visible   POST /streams on one instance answered -> GET /streams/{id} is 200 on the two others
  delete -> gone      DELETE /streams/{id} answered on one -> 404 on the two others that held a copy
  change -> visible   POST /streams/{id}/failover answered where the stream is held -> current_url changed on the others
  failover command    asked at an instance that neither owns nor watches the channel -> answer, and the owner's
                      new upstream request at the origin
  disconnect command  DELETE /hls/{id}/clients/{client} asked at another instance -> GET /clients/{client} is 404
                      on the instance the client is connected to
  delete command      DELETE /streams/{id} asked at another instance -> the owner's viewer ends
  SIGTERM / SIGKILL   of a channel's owner, viewers on the two others: the gap in content packets (not PAT/PMT/null
                      keepalives) a relaying viewer sees, and the time until the new owner's upstream request; after
                      SIGKILL also when the killed instance's provider slot expires (PROVIDER_MAX_CONNECTIONS is set)
  Redis restarted     killed, started again empty: time from its first PONG until every instance's presence, every
                      stream, the running channel's owner lease and its provider slot are back; while it is down, how
                      long POST /streams and GET /streams take on an instance
Prints medians, p90 and max as markdown. Wall-clock times: note the machine's load with the figures.
"""
import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from paced_origin import TS, LiveOrigin, free_port, now_ms

NOT_CONTENT = {0x0000, 0x0001, 0x0011, 0x1FFF}  # PAT, CAT, SDT, null (the PMT is found in the PAT)


def encode(path):
    if os.path.exists(path):
        return
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                    "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "30",
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "900k", "-g", "25", "-keyint_min", "25",
                    "-sc_threshold", "0", "-c:a", "aac", "-f", "mpegts", "-muxrate", "1M", path + ".tmp.ts"], check=True)
    os.rename(path + ".tmp.ts", path)


# ---------------------------------------------------------------- redis

class Redis:
    def __init__(self, binary, port, work):
        self.binary, self.port, self.work, self.proc = binary, port, work, None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", self.work], stdout=subprocess.DEVNULL)
        while True:
            try:
                if self.command("PING") == "PONG":
                    return now_ms()
            except OSError:
                time.sleep(0.005)

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def command(self, *args):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            payload = f"*{len(args)}\r\n" + "".join(f"${len(str(a).encode())}\r\n{a}\r\n" for a in args)
            s.sendall(payload.encode())
            return _read_reply(s.makefile("rb"))


def _read_reply(f):
    line = f.readline()
    if not line:
        raise OSError("redis closed the connection")
    kind, rest = line[:1], line[1:-2].decode()
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RuntimeError(rest)
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode()
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read_reply(f) for _ in range(n)]
    raise RuntimeError("unexpected reply " + repr(line))


# ---------------------------------------------------------------- instances

class Instance:
    def __init__(self, binary, worker, redis_port, work, extra):
        self.binary, self.worker, self.work = binary, worker, work
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "LOG_LEVEL": "WARNING",
                    "REDIS_ENABLED": "true", "REDIS_HOST": "127.0.0.1", "REDIS_SERVER_PORT": str(redis_port),
                    "WORKER_ID": worker, "CLUSTER_ADVERTISE_URL": self.base, "CLUSTER_SECRET": "bench-cluster",
                    **extra}
        self.proc = None
        self._local = threading.local()

    def start(self):
        log = open(os.path.join(self.work, self.worker + ".log"), "ab")
        self.proc = subprocess.Popen([self.binary], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, body = self.request("GET", "/health")
                if status == 200 and body.get("cluster", {}).get("redis_connected"):
                    return
            except (OSError, http.client.HTTPException, ValueError):
                self._local.conn = None
            time.sleep(0.05)
        raise RuntimeError(f"{self.worker} did not start; see {self.work}/{self.worker}.log")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self):
        self.proc.wait(30)

    def request(self, method, path, body=None):
        """(status, parsed JSON or {}) over this thread's keep-alive connection to the instance."""
        for attempt in (0, 1):
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
                response = conn.getresponse()
                data = response.read()
                try:
                    return response.status, json.loads(data) if data else {}
                except ValueError:
                    return response.status, {}
            except (OSError, http.client.HTTPException):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        raise AssertionError


class Viewer(threading.Thread):
    """Watches /stream/{id}: when bytes arrive, and when content packets (not PAT/PMT/null) arrive."""

    def __init__(self, instance, stream_id, client_id):
        super().__init__(daemon=True)
        self.url_path = f"/stream/{stream_id}?client_id={client_id}"
        self.instance = instance
        self.reads, self.content = [], []  # ms of each read; ms of each read that carried content
        self.bytes, self.ended, self.status = 0, None, None
        self.pmt = None
        self._stop = False
        self._conn = None
        self.start()

    def run(self):
        try:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.instance.port, timeout=30)
            self._conn.request("GET", self.url_path)
            response = self._conn.getresponse()
            self.status = response.status
            rest = b""
            while not self._stop:
                chunk = response.read1(65536)
                if not chunk:
                    break
                t = now_ms()
                self.reads.append(t)
                self.bytes += len(chunk)
                data = rest + chunk
                whole = len(data) - len(data) % TS
                if self._has_content(data, whole):
                    self.content.append(t)
                rest = data[whole:]
        except (OSError, http.client.HTTPException):
            pass
        self.ended = now_ms()

    def _has_content(self, data, whole):
        found = False
        for i in range(0, whole, TS):
            if data[i] != 0x47:
                continue
            pid = ((data[i + 1] & 0x1F) << 8) | data[i + 2]
            if pid == 0 and self.pmt is None and data[i + 1] & 0x40:
                off = i + 5 + data[i + 4]  # pointer field
                if off + 16 <= i + TS:
                    self.pmt = ((data[off + 10] & 0x1F) << 8) | data[off + 11]
            if pid not in NOT_CONTENT and pid != self.pmt:
                found = True
        return found

    def wait_bytes(self, n, timeout=20):
        deadline = time.monotonic() + timeout
        target = self.bytes + n
        while self.bytes < target and self.ended is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.bytes >= target

    def content_gap_around(self, t0):
        """The longest wait between content packets from just before t0 on (ms)."""
        times = [t for t in self.content if t >= t0 - 2000]
        return max((b - a for a, b in zip(times, times[1:])), default=None)

    def close(self):
        self._stop = True
        try:
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass


# ---------------------------------------------------------------- measurements

def poll_until(check, timeout, every=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return now_ms()
        time.sleep(every)
    return None


class Bench:
    def __init__(self, args, origin, redis, instances):
        self.a, self.origin, self.redis, self.nodes = args, origin, redis, instances
        self.results = {}  # name -> (promise, [ms or None])
        self.serial = 0

    def record(self, name, promise, value):
        self.results.setdefault(name, (promise, []))[1].append(value)

    def create(self, node, path, failover=None):
        self.serial += 1
        body = {"url": self.origin.url(path)}
        if failover:
            body["failover_urls"] = [self.origin.url(p) for p in failover]
        status, answer = node.request("POST", "/streams", body)
        assert status == 200, (status, answer)
        return answer["stream_id"], now_ms()

    def others(self, node):
        return [n for n in self.nodes if n is not node]

    def visible_everywhere(self):
        for i in range(self.a.runs):
            node = self.nodes[i % 3]
            sid, answered = self.create(node, f"/vis/{i}-{self.serial}.ts")
            late = []  # 0 when the first GET after the POST's answer found it, else when the GET that did was sent
            for other in self.others(node):
                tries = []

                def found(o=other, tries=tries):
                    tries.append(now_ms())
                    return o.request("GET", f"/streams/{sid}")[0] == 200
                late.append(None if poll_until(found, 5) is None else 0.0 if len(tries) == 1 else tries[-1] - answered)
            self.record("create → the first GET /streams/{id} on the 2 others after POST answered finds it", "0 (by the answer)",
                        None if None in late else max(late))
            node.request("DELETE", f"/streams/{sid}")

    def deletes_reach_everyone(self):
        for i in range(self.a.runs):
            node = self.nodes[i % 3]
            sid, _ = self.create(node, f"/del/{i}-{self.serial}.ts")
            for other in self.others(node):
                assert other.request("GET", f"/streams/{sid}")[0] == 200  # each holds a copy now
            status, _ = node.request("DELETE", f"/streams/{sid}")
            answered = now_ms()
            gone = [poll_until(lambda o=o: o.request("GET", f"/streams/{sid}")[0] == 404, 5) for o in self.others(node)]
            self.record("delete → 404 on the 2 others (after DELETE answered)", "≤ 1000", None if None in gone else max(gone) - answered)

    def changes_reach_everyone(self):
        for i in range(self.a.runs):
            node = self.nodes[i % 3]
            sid, _ = self.create(node, f"/chg/{i}-{self.serial}.ts", failover=[f"/chg/{i}-{self.serial}-backup.ts"])
            for other in self.others(node):
                assert other.request("GET", f"/streams/{sid}")[0] == 200
            status, answer = node.request("POST", f"/streams/{sid}/failover")
            answered = now_ms()
            new_url = answer.get("new_url")
            seen = [poll_until(lambda o=o: o.request("GET", f"/streams/{sid}")[1].get("stream", {}).get("current_url") == new_url, 3) for o in self.others(node)]
            self.record("change (failover position) → visible on the 2 others", "≤ 1000", None if None in seen or status != 200 else max(seen) - answered)
            node.request("DELETE", f"/streams/{sid}")

    def commands(self):
        main, backup = f"/cmd/{self.serial}-main.ts", f"/cmd/{self.serial}-backup.ts"
        owner, relay, asker = self.nodes
        sid, _ = self.create(asker, main, failover=[backup])
        on_owner = Viewer(owner, sid, "cmd-owner")
        assert on_owner.wait_bytes(TS * 200), "no bytes on the owner"
        on_relay = Viewer(relay, sid, "cmd-relay")
        assert on_relay.wait_bytes(TS * 200), "no bytes on the relaying instance"
        paths = [backup, main]
        for i in range(self.a.runs):
            time.sleep(1.0)
            t0 = now_ms()
            status, answer = asker.request("POST", f"/streams/{sid}/failover")
            answered = now_ms()
            upstream = self.origin.first_request_after(paths[i % 2], t0, 5)
            self.record("failover asked at a non-owner → answer", "≤ 1000", answered - t0 if status == 200 else None)
            self.record("failover asked at a non-owner → owner's new upstream request", "≤ 1000", None if upstream is None else upstream - t0)
        on_relay.close()
        for i in range(self.a.runs):
            viewer = Viewer(owner, sid, f"kick-{i}")
            assert viewer.wait_bytes(TS * 50)
            t0 = now_ms()
            asker.request("DELETE", f"/hls/{sid}/clients/kick-{i}")
            gone = poll_until(lambda: owner.request("GET", f"/clients/kick-{i}")[0] == 404, 5)
            self.record("client disconnect asked at another instance → the client is gone on its instance", "≤ 1000", None if gone is None else gone - t0)
            viewer.close()
        on_owner.close()
        asker.request("DELETE", f"/streams/{sid}")
        for i in range(self.a.runs):
            sid, _ = self.create(asker, f"/cmd/{self.serial}-del-{i}.ts")
            viewer = Viewer(owner, sid, f"del-{i}")
            assert viewer.wait_bytes(TS * 50)
            t0 = now_ms()
            asker.request("DELETE", f"/streams/{sid}")
            ended = poll_until(lambda: viewer.ended is not None, 5)
            self.record("delete asked at another instance → the owner's viewer ends", "≤ 1000", None if ended is None else viewer.ended - t0)
            viewer.close()

    def takeover(self, sig, name):
        for i in range(self.a.takeover_runs):
            owner = self.nodes[i % 3]
            path = f"/take/{name}-{i}-{self.serial}.ts"
            sid, _ = self.create(owner, path)
            on_owner = Viewer(owner, sid, f"t-own-{i}")
            assert on_owner.wait_bytes(TS * 200), "no bytes on the owner"
            watchers = [Viewer(o, sid, f"t-{o.worker}-{i}") for o in self.others(owner)]
            for w in watchers:
                assert w.wait_bytes(TS * 200), "no bytes on a relaying instance"
            time.sleep(0.5)
            redis_now = self.redis_time_ms()
            t0 = now_ms()
            owner.signal(sig)
            upstream = self.origin.first_request_after(path, t0, 15)
            for w in watchers:
                w.wait_bytes(TS * 400, timeout=10)
            gaps = [w.content_gap_around(t0) for w in watchers]
            alive = all(w.ended is None for w in watchers)
            self.record(f"{name} of the owner → new owner's upstream request", "≤ 1000" if sig == signal.SIGTERM else "≤ 6000",
                        None if upstream is None else upstream - t0)
            self.record(f"{name} of the owner → content gap at the relaying viewers (worst of 2)", "viewers stay",
                        None if None in gaps or not alive else max(gaps))
            if sig == signal.SIGKILL:
                left = self.killed_slot_left(owner.worker, redis_now)
                self.record("SIGKILL → the killed instance's provider slot expires", "≤ 10000", left)
            owner.wait_exit()
            for w in watchers:
                w.close()
            on_owner.close()
            owner.start()
            self.others(owner)[0].request("DELETE", f"/streams/{sid}")

    def redis_time_ms(self):
        seconds, micros = self.redis.command("TIME")
        return int(seconds) * 1000 + int(micros) // 1000

    def killed_slot_left(self, worker, redis_now):
        """ms from the kill until the killed worker's slot expires (its score, on Redis's clock)."""
        left = []
        for key in self.redis.command("KEYS", "m3u-proxy:slot-holders:*"):
            holders = self.redis.command("HGETALL", key)
            slots = key.replace("slot-holders:", "slots:")
            for slot, holder in zip(holders[::2], holders[1::2]):
                if holder.split(" ")[2] == worker:
                    score = self.redis.command("ZSCORE", slots, slot)
                    if score is not None:
                        left.append(float(score) - redis_now)
        return max(left) if left else None

    def redis_restart(self):
        a, b, c = self.nodes
        for i in range(self.a.redis_runs):
            sids = [self.create(n, f"/redis/{i}-{n.worker}-{self.serial}.ts")[0] for n in self.nodes]
            channel = sids[0]
            on_a = Viewer(a, channel, f"r-a-{i}")
            assert on_a.wait_bytes(TS * 200)
            on_b = Viewer(b, channel, f"r-b-{i}")
            assert on_b.wait_bytes(TS * 200)
            time.sleep(2.5)  # every copy renewed once
            self.redis.kill()
            poll_until(lambda: b.request("GET", "/health")[1].get("cluster", {}).get("redis_connected") is False, 10, 0.05)
            t0 = now_ms()
            status, _ = b.request("POST", "/streams", {"url": self.origin.url(f"/redis/down-{i}-{self.serial}.ts")})
            self.record("Redis down → POST /streams answered", "≤ 3000", now_ms() - t0 if status == 200 else None)
            t0 = now_ms()
            status, _ = c.request("GET", "/streams")
            self.record("Redis down → GET /streams answered", "≤ 3000", now_ms() - t0 if status == 200 else None)
            time.sleep(1.0)
            up = self.redis.start()
            checks = {
                "presence": lambda: all(self.redis.command("EXISTS", f"m3u-proxy:instance:{n.worker}") for n in self.nodes),
                "streams": lambda: all(self.redis.command("EXISTS", f"m3u-proxy:stream:{s}") for s in sids),
                "lease": lambda: self.redis.command("EXISTS", f"m3u-proxy:owner:{channel}") == 1,
                "slot": lambda: any(self.redis.command("ZCARD", k) for k in self.redis.command("KEYS", "m3u-proxy:slots:*")),
            }
            done = {}
            deadline = time.monotonic() + 15
            while len(done) < len(checks) and time.monotonic() < deadline:
                for name, check in checks.items():
                    if name not in done and check():
                        done[name] = now_ms() - up
                time.sleep(0.01)
            for name in checks:
                self.record(f"Redis restarted empty → {name} re-asserted", "≤ 5000", done.get(name))
            self.record("Redis restarted empty → everything re-asserted", "≤ 5000", max(done.values()) if len(done) == len(checks) else None)
            self.record("Redis restarted empty → viewers kept their response", "viewers stay", 0.0 if on_a.ended is None and on_b.ended is None else None)
            on_a.close()
            on_b.close()
            for n, s in zip(self.nodes, sids):
                n.request("DELETE", f"/streams/{s}")
            time.sleep(0.5)

    def report(self, header):
        print(header + "\n")
        print("| measure | promise (ms) | n | failed | median ms | p90 ms | max ms |\n|---|---|---|---|---|---|---|")
        for name, (promise, values) in self.results.items():
            ok = sorted(v for v in values if v is not None)
            failed = len(values) - len(ok)
            if not ok:
                print(f"| {name} | {promise} | {len(values)} | {failed} | – | – | – |")
                continue
            p90 = statistics.quantiles(ok, n=10, method="inclusive")[8] if len(ok) >= 2 else ok[0]
            print(f"| {name} | {promise} | {len(values)} | {failed} | {statistics.median(ok):.0f} | {p90:.0f} | {max(ok):.0f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--proxy-bin", required=True)
    ap.add_argument("--runs", type=int, default=10, help="runs of the cheap measures")
    ap.add_argument("--takeover-runs", type=int, default=6, help="SIGTERM and SIGKILL runs each")
    ap.add_argument("--redis-runs", type=int, default=5)
    ap.add_argument("--only", default="visible,delete,change,commands,sigterm,sigkill,redis")
    ap.add_argument("--redis-server", default="redis-server")
    ap.add_argument("--log-level", default="WARNING", help="the instances' LOG_LEVEL (their logs are kept in the work folder)")
    ap.add_argument("--media-dir", default=os.path.join(tempfile.gettempdir(), "m3uproxy-cluster-media"))
    a = ap.parse_args()
    os.makedirs(a.media_dir, exist_ok=True)
    source = os.path.join(a.media_dir, "gop1-1mbps.ts")
    encode(source)
    origin = LiveOrigin(open(source, "rb").read(), 1_000_000 // 8, lead=0.2, tick=0.02)  # 200 ms ahead, as a real head-end
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="bench-cluster-")
    redis = Redis(a.redis_server, free_port(), work)
    redis.start()
    extra = {"PROVIDER_MAX_CONNECTIONS": "100", "LOG_LEVEL": a.log_level}
    nodes = [Instance(os.path.abspath(a.proxy_bin), f"edge-{k}", redis.port, work, extra) for k in (1, 2, 3)]
    started = time.monotonic()
    try:
        for n in nodes:
            n.start()
        bench = Bench(a, origin, redis, nodes)
        steps = {"visible": bench.visible_everywhere, "delete": bench.deletes_reach_everyone, "change": bench.changes_reach_everyone,
                 "commands": bench.commands, "sigterm": lambda: bench.takeover(signal.SIGTERM, "SIGTERM"),
                 "sigkill": lambda: bench.takeover(signal.SIGKILL, "SIGKILL"), "redis": bench.redis_restart}
        for name in a.only.split(","):
            try:
                steps[name]()
            except (AssertionError, RuntimeError, OSError) as error:
                print(f"step {name} stopped: {error!r}", file=sys.stderr)
        load = os.getloadavg()
        bench.report(f"3 instances ({os.path.basename(a.proxy_bin)}), redis-server on loopback, {os.cpu_count()} cores, "
                     f"load average {load[0]:.1f} / {load[1]:.1f}; {time.monotonic() - started:.0f} s; logs in {work}")
    finally:
        for n in nodes:
            if n.proc and n.proc.poll() is None:
                n.proc.terminate()
        for n in nodes:
            if n.proc:
                try:
                    n.proc.wait(15)
                except subprocess.TimeoutExpired:
                    n.proc.kill()
        if redis.proc and redis.proc.poll() is None:
            redis.kill()


if __name__ == "__main__":
    main()
