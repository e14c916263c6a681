#!/usr/bin/env python3
"""Time from request to the first decodable video frame when joining a warm live channel:
the proxy (keyframe joins) against nginx as a plain pass-through (which must wait for the
origin's next keyframe). Python 3 stdlib + ffmpeg/ffprobe + nginx; loopback only.

  scripts/bench-instant-start.py --proxy-bin artifacts/publish/m3u-proxy [--joins 40] [--gop 4] [--mbps 8]

It encodes a 60 s 1280x720 H.264+AAC source with a keyframe every --gop seconds at --mbps,
serves it from an in-process live origin (every connection starts at the current live position,
mid-GOP, as a head-end does), puts nginx (proxy_buffering off) and the proxy in front of it,
keeps one viewer on the proxy's channel (warm), then makes --joins joins spread evenly over the
GOP against each. For each join: the bytes and their arrival times are recorded for 6 s, ffprobe
finds the first decoded video frame in the capture, and the time is when the last byte of that
frame's access unit (up to the next video packet) had arrived. Prints medians and p90 as markdown.
Run it on a quiet machine: the figures are wall-clock times.
"""
import argparse
import bisect
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from paced_origin import LiveOrigin, free_port


def encode(path, gop, mbps):
    if os.path.exists(path):
        return
    rate = f"{int(mbps * 1000 * 0.9)}k"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
                    "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "60",
                    "-c:v", "libx264", "-preset", "veryfast", "-b:v", rate, "-maxrate", rate, "-bufsize", rate,
                    "-g", str(25 * gop), "-keyint_min", str(25 * gop), "-sc_threshold", "0",
                    "-c:a", "aac", "-f", "mpegts", "-muxrate", f"{mbps}M", path + ".tmp.ts"], check=True)
    os.rename(path + ".tmp.ts", path)


def join(url, seconds, capture_path):
    """GET url; returns (arrival times, cumulative byte counts) and writes the body to capture_path."""
    parsed = urllib.request.urlparse(url)
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", parsed.path + (("?" + parsed.query) if parsed.query else ""))
    response = conn.getresponse()
    times, totals, total = [], [], 0
    with open(capture_path, "wb") as out:
        while time.monotonic() - t0 < seconds:
            chunk = response.read1(65536)
            if not chunk:
                break
            out.write(chunk)
            total += len(chunk)
            times.append(time.monotonic() - t0)
            totals.append(total)
    conn.close()
    return times, totals


def first_frame_end(capture):
    """Byte offset where the first decodable video frame's access unit ends, or None."""
    frames = subprocess.run(["ffprobe", "-v", "quiet", "-select_streams", "v:0", "-show_entries", "frame=pkt_pos",
                             "-read_intervals", "%+#2000", "-of", "csv=p=0", capture], capture_output=True, text=True).stdout.split()
    packets = subprocess.run(["ffprobe", "-v", "quiet", "-select_streams", "v:0", "-show_entries", "packet=pos",
                              "-of", "csv=p=0", capture], capture_output=True, text=True).stdout.split()
    if not frames:
        return None
    first = int(frames[0].strip(","))
    positions = sorted(int(p.strip(",")) for p in packets if p.strip(",").isdigit())
    later = [p for p in positions if p > first]
    return later[0] if later else None


def measure(name, url, joins, gop, workdir):
    results = []
    for i in range(joins):
        time.sleep(gop / joins * (1 + (i % 3) / 10))  # evenly spread over the GOP, slightly detuned
        capture = os.path.join(workdir, f"{name}-{i}.ts")
        times, totals = join(url, 6, capture)
        end = first_frame_end(capture)
        if end is None:
            continue
        k = bisect.bisect_left(totals, end)
        if k < len(times):
            results.append(times[k] * 1000)
        os.remove(capture)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--proxy-bin", required=True)
    ap.add_argument("--joins", type=int, default=40)
    ap.add_argument("--gop", type=int, default=4)
    ap.add_argument("--mbps", type=float, default=8)
    ap.add_argument("--media-dir", default=os.path.join(tempfile.gettempdir(), "m3uproxy-instant-media"))
    a = ap.parse_args()
    os.makedirs(a.media_dir, exist_ok=True)
    source = os.path.join(a.media_dir, f"gop{a.gop}-{a.mbps}mbps.ts")
    encode(source, a.gop, a.mbps)
    data = open(source, "rb").read()
    origin = LiveOrigin(data, int(a.mbps * 1_000_000 / 8))
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    origin_url = origin.url("/live/channel.ts")
    work = tempfile.mkdtemp(prefix="instant-")
    nginx_port, proxy_port = free_port(), free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log warn; daemon off;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {work}/b; proxy_temp_path {work}/p; fastcgi_temp_path {work}/f;
uwsgi_temp_path {work}/u; scgi_temp_path {work}/s;
server {{ listen 127.0.0.1:{nginx_port}; location / {{ proxy_pass http://127.0.0.1:{origin.server_address[1]}; proxy_buffering off; }} }} }}
""")
    nginx = subprocess.Popen(["nginx", "-p", work, "-c", conf])
    proxy = subprocess.Popen([a.proxy_bin], env={**os.environ, "PORT": str(proxy_port), "HOST": "127.0.0.1"},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{proxy_port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        request = urllib.request.Request(base + "/streams", data=json.dumps({"url": origin_url}).encode(),
                                         headers={"Content-Type": "application/json"})
        endpoint = json.load(urllib.request.urlopen(request))["stream_endpoint"]
        warm = threading.Thread(target=join, args=(base + endpoint, 1e9, os.devnull), daemon=True)
        warm.start()
        time.sleep(a.gop + 1)
        rows = []
        for name, url in (("nginx", f"http://127.0.0.1:{nginx_port}/live/channel.ts"), ("m3u-proxy", base + endpoint)):
            ms = measure(name, url, a.joins, a.gop, work)
            q = statistics.quantiles(ms, n=10) if len(ms) >= 2 else ms * 9
            rows.append(f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {q[8]:.0f} | {max(ms):.0f} |")
        print(f"request → first decodable frame, {a.gop} s GOP, {a.mbps} Mbit/s, warm channel, {a.joins} joins spread over the GOP\n")
        print("| target | joins | median ms | p90 ms | max ms |\n|---|---|---|---|---|")
        print("\n".join(rows))
    finally:
        proxy.terminate()
        nginx.terminate()
        proxy.wait(10)
        nginx.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
