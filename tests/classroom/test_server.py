# SPDX-License-Identifier: MIT
"""test_server.py BRANDSIM SOURCE_DIR: `brandsim classroom` as a class meets it, over real
sockets. A server on a small market: garbage, unauthorised, oversized and replayed requests
get their 4xx and change nothing; clients that flood it with connections, or hang up half-way
through a request, do not stop it answering; a class played two rounds, killed with SIGKILL
mid-game and started again on its state folder resumes at the last completed round, with the
same code, tokens, newsletters and the decisions already sent for the next; --replay of the saved class writes the live export byte
for byte; the newsletter's numbers are the export's (h5py). Debian's /usr/bin/python3."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import h5py
import numpy as np

BRANDSIM, SOURCE = sys.argv[1], sys.argv[2]

SCENARIO = """name: lesson
seed: 5
consumers: 3000
steps: 39
brands:
  - {name: acme}
  - {name: bolt}
  - {name: cove}
shocks:
  - {kind: breach, step: 14, brands: [acme], size: 0.5, reach: 0.8}
"""

DECISION = {"price": 1.2, "personalization": 0.4, "transparency": 0.9, "control": 0.8,
            "norm": "communal", "exit_policy": "clean_break", "breach_response": "apology",
            "response_delay": 0}


class Server:
    """A `brandsim classroom` process on a free port."""

    def __init__(self, state, scenario=None):
        args = [BRANDSIM, "classroom", "--port", "0", "--bind", "127.0.0.1", "--state", state,
                "--threads", "1"]
        if scenario:
            args.insert(2, scenario)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server did not start: " + self.proc.stderr.read())
            self.lines.append(line)
            if "Ctrl-C" in line:
                break
        text = "".join(self.lines)
        self.port = int(text.split("http://127.0.0.1:")[1].split("/")[0])
        self.code = text.split("with the code ")[1].split()[0]
        self.key = text.split("key=")[1].split()[0]

    def request(self, method, path, body=None, token=None, raw=None, source="127.0.0.1",
                ctype="application/json"):
        con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20,
                                          source_address=(source, 0))
        headers = {"Content-Type": ctype}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        con.request(method, path, body=data, headers=headers)
        r = con.getresponse()
        text = r.read().decode()
        con.close()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()


def wait_round(srv, token, round_):
    for _ in range(600):
        st, v = srv.request("GET", "/api/team", token=token)
        if v["class"]["round"] >= round_ and not v["class"]["computing"]:
            return v
        time.sleep(0.1)
    raise AssertionError("round %d never came" % round_)


class ClassroomServer(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bs-classroom-")
        self.scenario = os.path.join(self.dir, "lesson.yaml")
        with open(self.scenario, "w") as f:
            f.write(SCENARIO)
        self.state = os.path.join(self.dir, "state")
        self.srv = Server(self.state, self.scenario)

    def tearDown(self):
        if self.srv.proc.poll() is None:
            self.srv.kill(signal.SIGTERM)
        shutil.rmtree(self.dir)

    def join(self, name):
        st, v = self.srv.request("POST", "/api/join", {"code": self.srv.code, "team": name})
        self.assertEqual(st, 201, v)
        return v["token"]

    def class_json(self):
        with open(os.path.join(self.state, "class.json")) as f:
            return f.read()

    def test_bad_requests_are_refused_and_change_nothing(self):
        a = self.join("Alpha")
        self.join("Beta")
        self.assertEqual(self.srv.request("POST", "/api/teacher",
                                          {"seq": 0, "action": "start_competition"},
                                          token=self.srv.key)[0], 200)
        before = self.class_json()
        st, _ = self.srv.request("GET", "/api/team", token=a)
        self.assertEqual(st, 200)
        cases = [
            ("POST", "/api/decide", None, a, "{not json", 400),
            ("POST", "/api/decide", dict(DECISION, seq=2**32, round=0), a, None, 400),
            ("POST", "/api/decide", None, a, "x" * 20000, 413),       # oversized
            ("POST", "/api/decide", None, a, "{" + " " * 70000 + "}", 413),
            ("POST", "/api/decide", dict(DECISION, seq=0, round=0), None, None, 401),
            ("POST", "/api/decide", dict(DECISION, seq=0, round=0), "f" * 32, None, 401),
            ("POST", "/api/decide", dict(DECISION, seq=0, round=0), self.srv.key, None, 403),
            ("POST", "/api/teacher", {"seq": 1, "action": "advance"}, a, None, 403),
            ("GET", "/api/teacher", None, a, None, 403),
            ("POST", "/api/decide", dict(DECISION, seq=0, round=0, price=-1), a, None, 400),
            ("POST", "/api/decide", dict(DECISION, seq=5, round=0), a, None, 409),
            ("GET", "/api/public?code=ZZZZZZ", None, None, None, 403),
            ("PUT", "/api/team", None, a, "{}", 405),
            ("GET", "/../../etc/passwd", None, None, None, 404),
        ]
        for method, path, body, token, raw, want in cases:
            st, v = self.srv.request(method, path, body, token, raw)
            self.assertEqual(st, want, (method, path, v))
            self.assertIn("error", v, (method, path))
        # a form posted from another site (text/plain needs no preflight) is not JSON
        st, v = self.srv.request("POST", "/api/join", {"code": self.srv.code, "team": "Gamma"},
                                 ctype="text/plain")
        self.assertEqual(st, 415, v)
        self.assertEqual(self.class_json(), before, "a refused request changed the saved class")
        # accepted once, refused when replayed
        body = dict(DECISION, seq=0, round=0)
        self.assertEqual(self.srv.request("POST", "/api/decide", body, a)[0], 200)
        self.assertEqual(self.srv.request("POST", "/api/decide", body, a)[0], 409)

    def test_floods_and_hang_ups_do_not_stop_it(self):
        socks = []
        for _ in range(600):  # one address opens more connections than the server takes,
            try:               # each sending half a request (a slow-loris attack)
                s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
                s.sendall(b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"
                          b"{\"co")
                socks.append(s)
            except OSError:
                pass
        # a student on another address is still answered
        st, v = self.srv.request("GET", "/api/health", source="127.0.0.2")
        self.assertEqual((st, v), (200, {"ok": True}))
        for s in socks:  # hang up mid-request
            s.close()
        for _ in range(100):  # the server notices the hang-ups: the address is served again
            try:
                if self.srv.request("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        errors = []

        def hammer():
            try:
                for _ in range(50):
                    if self.srv.request("GET", "/api/public?code=" + self.srv.code)[0] != 200:
                        errors.append("not 200")
            except Exception as e:  # noqa: BLE001 (any failure counts)
                errors.append(repr(e))
        threads = [threading.Thread(target=hammer) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.srv.request("GET", "/api/health")[0], 200)
        self.assertIsNone(self.srv.proc.poll(), "the server died")

    def test_kill_9_resumes_and_replay_is_byte_identical(self):
        a, b = self.join("Alpha"), self.join("Beta")
        srv = self.srv
        self.assertEqual(srv.request("POST", "/api/teacher", {"seq": 0, "action": "start_competition"},
                                     token=srv.key)[0], 200)
        for r in range(2):
            st, va = srv.request("GET", "/api/team", token=a)
            st, vb = srv.request("GET", "/api/team", token=b)
            self.assertEqual(srv.request("POST", "/api/decide",
                                         dict(DECISION, seq=va["team"]["seq"], round=r,
                                              price=1.0 + 0.1 * r, forecast="round %d" % r),
                                         a)[0], 200)
            self.assertEqual(srv.request("POST", "/api/decide",
                                         dict(DECISION, seq=vb["team"]["seq"], round=r,
                                              norm="exchange", statement="Beta, round %d" % r),
                                         b)[0], 200)
            wait_round(srv, a, r + 1)
        # a decision for round 3 is in when the server dies
        st, va = srv.request("GET", "/api/team", token=a)
        self.assertEqual(srv.request("POST", "/api/decide",
                                     dict(DECISION, seq=va["team"]["seq"], round=2, price=1.5),
                                     a)[0], 200)
        seen = {t: srv.request("GET", "/api/team", token=t)[1] for t in (a, b)}
        time.sleep(0.3)  # the export follows the round
        with open(os.path.join(self.state, "game.h5"), "rb") as f:
            live_h5 = f.read()
        srv.kill()
        self.srv = srv = Server(self.state)  # no scenario: from the state folder
        self.assertIn("resumed", srv.lines[0])
        for t in (a, b):
            st, v = srv.request("GET", "/api/team", token=t)
            self.assertEqual(st, 200, "a token from before the kill")
            for view in (v, seen[t]):
                view["class"].pop("deadline_s")
            self.assertEqual(v, seen[t], "the view after the restart differs")
        # replay: the export byte for byte
        out = os.path.join(self.dir, "again")
        subprocess.run([BRANDSIM, "classroom", "--replay", os.path.join(self.state, "class.json"),
                        "-o", out], check=True, capture_output=True)
        with open(out + ".h5", "rb") as f:
            self.assertEqual(f.read(), live_h5, "the replayed HDF5 differs")
        with open(out + ".csv") as f, open(os.path.join(self.state, "game.csv")) as g:
            self.assertEqual(f.read(), g.read(), "the replayed CSV differs")
        # the newsletter's numbers are the export's
        letters = seen[a]["market"]["newsletters"]
        with h5py.File(out + ".h5", "r") as h:
            m = h["market1"]
            brands = [x.decode() for x in m["brand"][()]]
            teams = [x.decode() for x in m["team"][()]]
            self.assertEqual(teams[brands.index("acme")], "Alpha")
            for r, letter in enumerate(letters):
                for row in letter["rows"]:
                    k = brands.index(row["brand"])
                    for col in ("share", "revenue", "net", "revenge_acts"):
                        self.assertEqual(row[col], m["standings"][col][r, k], (r, col))
                    if row["team"]:
                        self.assertEqual(row["score"], m["standings"]["score"][r, k])
                    else:
                        self.assertTrue(np.isnan(m["standings"]["score"][r, k]))
            self.assertEqual(m["series"]["market_share"].shape, (3, 26))
        # and the game goes on: round 3 plays on the resumed server, Alpha's decision kept
        st, va = srv.request("GET", "/api/team", token=a)
        self.assertTrue(va["team"]["submitted"])
        self.assertEqual(va["team"]["decision"]["price"], 1.5)
        st, vb = srv.request("GET", "/api/team", token=b)
        self.assertEqual(srv.request("POST", "/api/decide",
                                     dict(DECISION, seq=vb["team"]["seq"], round=2), b)[0], 200)
        v = wait_round(srv, a, 3)
        self.assertEqual(v["class"]["phase"], "over")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
