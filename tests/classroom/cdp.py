# SPDX-License-Identifier: MIT
"""cdp.py: headless Chromium driven over the DevTools protocol (Debian's chromium and
python3-websocket), for the classroom's page tests. One browser; each Tab lives in a
browser context of its own (its own storage), as a team's phone would. A tab records
the page's uncaught exceptions and console errors, and accepts confirm() dialogs."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import websocket


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="bs-chromium-")
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                url = m.group(1)
                break
            if not line and self.proc.poll() is not None:
                break
        if not url:
            raise RuntimeError("chromium did not start")
        self.ws = websocket.create_connection(url, timeout=60)
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.on_event(reply)

    def on_event(self, ev):
        method = ev.get("method")
        if method == "Page.javascriptDialogOpening":  # confirm(): the user says yes
            self.next_id += 1
            self.ws.send(json.dumps({"id": self.next_id, "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": True},
                                     "sessionId": ev.get("sessionId")}))
        elif method in ("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"):
            self.events.append(ev)

    def tab(self, url):
        ctx = self.send("Target.createBrowserContext")["browserContextId"]
        target = self.send("Target.createTarget", {"url": "about:blank",
                                                   "browserContextId": ctx})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target,
                                                      "flatten": True})["sessionId"]
        t = Tab(self, session)
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1000, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
                  session=session)
        t.go(url)
        return t

    def errors(self):
        """The pages' uncaught exceptions and console errors so far."""
        out = []
        for ev in self.events:
            p = ev.get("params", {})
            if ev["method"] == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("exception", {}).get("description")
                           or p["exceptionDetails"].get("text"))
            elif ev["method"] == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append(" ".join(str(a.get("value", a.get("description")))
                                    for a in p.get("args", [])))
            elif ev["method"] == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(p["entry"].get("text"))
        return out

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.kill()
            self.proc.wait()
            self.proc.stderr.close()
            shutil.rmtree(self.profile, ignore_errors=True)


class Tab:
    def __init__(self, browser, session):
        self.b, self.session = browser, session

    def send(self, method, params=None):
        return self.b.send(method, params, self.session)

    def go(self, url):
        self.send("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete'")

    def eval(self, js):
        r = self.send("Runtime.evaluate", {"expression": js, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (js[:80], r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, js, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.eval(js):
                    return
            except RuntimeError:
                pass
            time.sleep(0.1)
        raise AssertionError("timed out waiting for: " + js)

    def fill(self, selector, value):
        """Type a value into an input, as a user would (input and change events)."""
        self.eval("""(() => { const e = document.querySelector(%s); e.focus();
            e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true}));
            e.dispatchEvent(new Event('change', {bubbles: true})); })()"""
                  % (json.dumps(selector), json.dumps(str(value))))

    def click(self, selector):
        self.eval("document.querySelector(%s).click()" % json.dumps(selector))

    def text(self, selector):
        return self.eval("(document.querySelector(%s) || {}).innerText" % json.dumps(selector))

    def screenshot(self, path):
        import base64
        data = self.send("Page.captureScreenshot", {"format": "png",
                                                    "captureBeyondViewport": True})["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
