# SPDX-License-Identifier: MIT
"""test_pages.py BRANDSIM SOURCE_DIR [SCREENSHOTS_DIR]: the classroom played through its
pages in headless Chromium (tests/classroom/cdp.py), as a class would: two teams join on the
join page, each in a browser of its own; the teacher starts the competition on the teacher's
page; the teams decide on their pages, three rounds, with a computer brand in the third seat;
then every newsletter table on a team's page is checked against the game's HDF5 export
(h5py), the projector and the debrief are drawn, and no page threw an error. Screenshots go
to SCREENSHOTS_DIR when given. Debian's /usr/bin/python3 with python3-websocket."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from test_server import SCENARIO  # noqa: E402

BRANDSIM = sys.argv[1]
SHOTS = sys.argv[3] if len(sys.argv) > 3 else None


def number(text):
    """A number as a page shows it: '4,210', '−12.5', '17.2 %', '—' (None)."""
    t = text.replace("\u2212", "-").replace(",", "").replace("%", "").replace("+", "").strip()
    return None if t in ("\u2014", "") else float(t)


class Pages(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bs-pages-")
        scenario = os.path.join(self.dir, "lesson.yaml")
        with open(scenario, "w") as f:
            f.write(SCENARIO)
        self.state = os.path.join(self.dir, "state")
        self.proc = subprocess.Popen([BRANDSIM, "classroom", scenario, "--port", "0", "--bind",
                                      "127.0.0.1", "--state", self.state, "--threads", "1"],
                                     stdout=subprocess.PIPE, text=True)
        out = ""
        while "Ctrl-C" not in out:
            line = self.proc.stdout.readline()
            self.assertTrue(line, "the server did not start")
            out += line
        self.base = "http://127.0.0.1:" + out.split("http://127.0.0.1:")[1].split("/")[0]
        self.code = out.split("with the code ")[1].split()[0]
        self.key = out.split("key=")[1].split()[0]
        self.browser = Browser()

    def tearDown(self):
        self.browser.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        shutil.rmtree(self.dir)

    def shot(self, tab, name):
        if SHOTS:
            tab.screenshot(os.path.join(SHOTS, name + ".png"))

    def join(self, name):
        t = self.browser.tab(self.base + "/#code=" + self.code)
        t.wait("document.querySelector('#join-team') && "
               "getComputedStyle(document.querySelector('#join-form')).display !== 'none'")
        self.assertEqual(t.eval("document.querySelector('#join-code').value"), self.code,
                         "the code from the link is not in the form")
        t.fill("#join-team", name)
        t.click("#join-submit")
        t.wait("location.pathname === '/team' && "
               "(document.querySelector('#h-team') || {}).textContent === %r" % name)
        return t

    def decide(self, t, round_, price, transparency):
        t.wait("/competition/i.test(document.querySelector('#h-phase').textContent) && "
               "/Round %d /.test(document.querySelector('#h-round').textContent)" % (round_ + 1))
        t.wait("!document.querySelector('#decide-submit').disabled && "
               "document.querySelector('#decide-submit').getAttribute('aria-disabled') !== 'true'")
        t.fill("#price", price)
        t.fill("#transparency", transparency)
        t.fill("#forecast", "round %d: share holds" % (round_ + 1))
        t.click("#decide-submit")
        try:
            # (the last team's submission plays the round at once: its page may move on
            # before it has shown "Submitted")
            t.wait("/Submitted for round %d/.test(document.querySelector('#submit-state')"
                   ".innerText) || document.querySelectorAll('#nl-round option').length > %d"
                   % (round_ + 1, round_), timeout=15)
        except AssertionError:
            raise AssertionError("round %d not submitted; the page says: %r, %r, %r" % (
                round_ + 1, t.text("#submit-state"), t.text("#errors"), t.text("#status")))

    def newsletter_rows(self, t, round_):
        """The newsletter table of round_ on a team's page: {brand: [cells]}."""
        t.eval("""(() => { const s = document.querySelector('#nl-round'); s.value = '%d';
                  s.dispatchEvent(new Event('change', {bubbles: true})); })()""" % round_)
        t.wait("document.querySelector('#nl-body table caption') && "
               "/Round %d/.test(document.querySelector('#nl-body table caption').textContent)"
               % (round_ + 1))
        return t.eval("""Object.fromEntries([...document.querySelectorAll('#nl-body table tbody tr')]
                  .map(tr => [tr.querySelector('th').textContent.replace(' (you)', ''),
                              [...tr.querySelectorAll('td')].map(td => td.textContent)]))""")

    def test_a_class_plays_three_rounds_through_the_pages(self):
        teacher = self.browser.tab(self.base + "/teacher#key=" + self.key)
        teacher.wait("(document.querySelector('#join-code') || {}).textContent === %r" % self.code)
        self.assertNotIn("key=", teacher.eval("location.href"), "the key stays in the address bar")
        alpha, beta = self.join("Alpha"), self.join("Beta")
        teacher.wait("/Alpha/.test(document.querySelector('#teams-body').innerText) && "
                     "/Beta/.test(document.querySelector('#teams-body').innerText)")
        self.shot(teacher, "teacher-lobby")
        teacher.click("#btn-competition")
        teacher.wait("document.querySelector('#confirm-ok') && "
                     "document.querySelector('#confirm-ok').offsetParent !== null")
        teacher.click("#confirm-ok")
        teacher.wait("/competition/i.test(document.querySelector('#h-phase').textContent)")
        for r in range(3):
            self.decide(alpha, r, 1.0 + 0.05 * r, 0.9)
            self.decide(beta, r, 0.95, 0.3 + 0.2 * r)
            for t in (alpha, beta):  # every team submitted: the round is played
                t.wait("document.querySelectorAll('#nl-round option').length >= %d" % (r + 1),
                       timeout=60)
        alpha.wait("/over/i.test(document.querySelector('#h-phase').textContent)")
        self.shot(alpha, "team-alpha")
        time.sleep(0.5)  # the export follows the round
        with h5py.File(os.path.join(self.state, "game.h5"), "r") as h:
            m = h["market1"]
            brands = [x.decode() for x in m["brand"][()]]
            teams = [x.decode() for x in m["team"][()]]
            computers = [x.decode() for x in m["computer"][()]]
            st = {k: m["standings"][k][()] for k in m["standings"]}
            for r in range(3):
                rows = self.newsletter_rows(alpha, r)
                self.assertEqual(sorted(rows), sorted(brands))
                for b, cells in rows.items():
                    k = brands.index(b)
                    holder, share, revenue, net, score, total, revenge, repeat = cells
                    if teams[k]:
                        self.assertEqual(holder, teams[k])
                        self.assertAlmostEqual(number(score), st["score"][r, k], delta=0.051)
                        self.assertAlmostEqual(number(total), st["score"][:r + 1, k].sum(),
                                               delta=0.051)
                    else:
                        self.assertEqual(holder, "computer (%s)" % computers[k])
                        self.assertIsNone(number(score))
                    self.assertAlmostEqual(number(share), 100 * st["share"][r, k], delta=0.051)
                    self.assertAlmostEqual(number(revenue), st["revenue"][r, k], delta=0.51)
                    self.assertAlmostEqual(number(net), st["net"][r, k], delta=0.51)
                    self.assertAlmostEqual(number(revenge), st["revenge_acts"][r, k], delta=0.51)
                    self.assertAlmostEqual(number(repeat), 100 * st["repeat_rate"][r, k],
                                           delta=0.51)
            self.assertIn("Alpha", teams)
            self.assertIn("Beta", teams)
            self.assertTrue(any(computers), "no computer brand in the third seat")
            self.assertTrue(np.all(np.isfinite(st["share"])))
        # Alpha was warned of acme's breach (week 15) in its inbox before round 2
        self.assertIn("week 15", alpha.text("#inbox"))
        # the projector and the debrief
        proj = self.browser.tab(self.base + "/projector#code=" + self.code)
        proj.wait("/Alpha/.test(document.body.innerText) && /Beta/.test(document.body.innerText)")
        self.shot(proj, "projector")
        deb = self.browser.tab(self.base + "/debrief#key=" + self.key)
        deb.wait("document.querySelectorAll('svg').length >= 3")
        deb.wait("/round 1: share holds/.test(document.body.innerText)")
        self.shot(deb, "debrief")
        # keyboard: every form control on the team page has a label
        unlabelled = alpha.eval("""[...document.querySelectorAll('input, select, textarea, button')]
            .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) &&
                    !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') &&
                    !(e.tagName === 'BUTTON' && e.textContent.trim()))
            .map(e => e.id || e.outerHTML.slice(0, 60))""")
        self.assertEqual(unlabelled, [], "controls without a label")
        errors = [e for e in self.browser.errors() if e]
        self.assertEqual(errors, [], "the pages logged errors")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
