#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench-classroom.py [--clients 60] [--consumers 50000] [--rounds 3]: the classroom server
under a class's load (docs/PERFORMANCE.md, "A class of 60"). Starts `build/brandsim
classroom` on scenarios/classroom.yaml (at --consumers consumers, one market of six teams) on
loopback; 60 clients poll as the pages do (each team's page every second: 54 team clients,
9 per team, plus a teacher's, a projector's and debrief pages), while the six teams submit
each round and the server plays it. Prints each request kind's median, 95th percentile and
worst latency, and each round's time from the last submission to the newsletter. Needs
Debian's /usr/bin/python3 (standard library only). Not a test: figures depend on the
machine."""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def request(port, method, path, token=None, body=None):
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    t = time.perf_counter()
    con.request(method, path, body=json.dumps(body) if body is not None else None,
                headers=headers)
    r = con.getresponse()
    data = r.read()
    elapsed = time.perf_counter() - t
    con.close()
    return r.status, json.loads(data), elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=60)
    ap.add_argument("--consumers", type=int, default=50000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bs-bench-classroom-")
    scenario = os.path.join(tmp, "classroom.yaml")
    with open(os.path.join(ROOT, "scenarios", "classroom.yaml")) as f:
        text = f.read().replace("consumers: 40000", "consumers: %d" % a.consumers)
    with open(scenario, "w") as f:
        f.write(text)
    proc = subprocess.Popen([os.path.join(ROOT, "build", "brandsim"), "classroom", scenario,
                             "--port", "0", "--bind", "127.0.0.1", "--state",
                             os.path.join(tmp, "state")], stdout=subprocess.PIPE, text=True)
    out = ""
    while "Ctrl-C" not in out:
        out += proc.stdout.readline()
    try:
        return bench(a, proc, out, tmp)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait()
        subprocess.run(["rm", "-rf", tmp])


def bench(a, proc, out, tmp):
    port = int(out.split("http://127.0.0.1:")[1].split("/")[0])
    code = out.split("with the code ")[1].split()[0]
    key = out.split("key=")[1].split()[0]
    tokens = [request(port, "POST", "/api/join", body={"code": code, "team": "team %d" % k})[1]
              ["token"] for k in range(6)]
    request(port, "POST", "/api/teacher", key, {"seq": 0, "action": "start_competition"})

    lat = {"team": [], "teacher": [], "public": [], "debrief": [], "decide": []}
    lock = threading.Lock()
    stop = threading.Event()

    def poll(kind, path, token):
        while not stop.is_set():
            st, _, dt = request(port, "GET", path, token)
            with lock:
                lat[kind].append(dt)
            time.sleep(1.0)

    clients = []
    for k in range(a.clients):
        if k < a.clients - 6:
            clients.append(("team", "/api/team", tokens[k % 6]))
        elif k == a.clients - 6:
            clients.append(("teacher", "/api/teacher", key))
        elif k < a.clients - 2:
            clients.append(("public", "/api/public?code=" + code, None))
        else:
            clients.append(("debrief", "/api/debrief", key))
    threads = [threading.Thread(target=poll, args=c, daemon=True) for c in clients]
    for t in threads:
        t.start()
    rounds = []
    for r in range(a.rounds):
        time.sleep(2.0)
        for k, tok in enumerate(tokens):
            st, v, _ = request(port, "GET", "/api/team", tok)
            d = dict(v["team"]["decision"])
            d.update(seq=v["team"]["seq"], round=r, price=round(1.0 + 0.05 * k, 2))
            st, _, dt = request(port, "POST", "/api/decide", tok, d)
            lat["decide"].append(dt)
        t0 = time.perf_counter()
        while True:
            st, v, _ = request(port, "GET", "/api/team", tokens[0])
            if v["class"]["round"] > r and not v["class"]["computing"]:
                break
            time.sleep(0.02)
        rounds.append(time.perf_counter() - t0)
    time.sleep(2.0)
    stop.set()
    for t in threads:
        t.join()
    everything = [x for v in lat.values() for x in v]
    print("classroom bench: %d clients, %d consumers x 6 teams (1 market), %d rounds, %d cores"
          % (a.clients, a.consumers, a.rounds, os.cpu_count()))
    for kind, v in list(lat.items()) + [("all", everything)]:
        if v:
            v = sorted(v)
            print("  %-8s %5d requests: median %6.1f ms, p95 %6.1f ms, worst %6.1f ms" % (
                kind, len(v), 1e3 * statistics.median(v), 1e3 * v[int(0.95 * (len(v) - 1))],
                1e3 * v[-1]))
    print("  rounds (last submission to newsletter): " +
          ", ".join("%.2f s" % x for x in rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
