# SPDX-License-Identifier: MIT
"""brandsim: the brandsim simulator from Python, over libbrandsim.so (ctypes only).

A run is a pure function of (scenario, seed), as in the C library: load a
scenario file, apply overrides written as on the command line, run it step by
step and read each step's aggregates, or run it to the end and keep the whole
series.

    import brandsim
    sc = brandsim.Scenario.load("scenarios/breach.yaml", ["consumers=2000"])
    sc.set("model.revenge_decay=0.1")
    run = brandsim.Run(sc)
    run.step()
    run.metric("market_share")            # one value per brand, this step
    series = run.run_to_end()
    series.brand("revenge_wom", "strong")  # steps x brands
    series.brand("revenge_acts", "strength_q3")  # a quantile bin: the strongest third
    series.market("mean_distrust")         # one value per step
    brandsim.run_file("scenarios/breach.yaml", "out.h5", ["replicates=10"])  # as `brandsim run`
    run.change_course("alder", "price=1.1")  # between steps, as a policy shock would
    game = brandsim.Game(sc, ["alder", "cedar"])  # the classroom's engine: rounds, teams

Values come as NumPy arrays when numpy imports, as lists otherwise (or when a
Run is made with arrays=False). Whatever the library refuses raises
brandsim.Error with the library's message (file, line and key path) and status
(ERR_INPUT for a bad scenario or override, ERR_RUNTIME for anything else).
How the library is found: brandsim/_native.py (BRANDSIM_LIBRARY, the build
tree, the system's library path).
"""
import ctypes
import os

from . import _native
from ._native import lib as _lib

try:
    import numpy as _np
except ImportError:  # lists instead
    _np = None

__all__ = ["Error", "Scenario", "Run", "Game", "Series", "Event", "simulate", "METRICS", "SEGMENTS",
           "MARKET_METRICS", "QUANTILE_METRICS", "metric_info", "ERR_INPUT", "ERR_RUNTIME",
           "HAVE_NUMPY", "LIBRARY"]

ERR_RUNTIME = 1  # BS_ERR_RUNTIME: memory, I/O, a finished run, anything else
ERR_INPUT = 2    # BS_ERR_INPUT: the scenario or an override is wrong
HAVE_NUMPY = _np is not None
LIBRARY = _native.path  # the libbrandsim.so loaded

METRICS = tuple(m[0] for m in _native.METRICS)                # brand metrics
MARKET_METRICS = tuple(m[0] for m in _native.MARKET_METRICS)  # market-wide metrics
SEGMENTS = tuple(_native.SEGMENTS)                            # groups of relationships
QUANTILE_METRICS = tuple(m[0] for m in _native.QUANTILE_METRICS)  # reported by quantile bin


def metric_info(name):
    """(units, description) of a brand or market metric, as the library documents it."""
    for table in (_native.METRICS, _native.MARKET_METRICS, _native.QUANTILE_METRICS):
        for m in table:
            if m[0] == name:
                return m[1], m[2]
    raise KeyError(f"no metric {name!r}")


class Error(Exception):
    """What the library refused: .message is its message, .status its bs_status
    (ERR_INPUT or ERR_RUNTIME)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def _call(fn, *args):
    """Call a library function that takes a trailing bs_error *; raise on failure."""
    err = _native._Error()
    status = fn(*args, ctypes.byref(err))
    if status != 0:
        raise Error(err.msg.decode("utf-8", "replace"), err.status or status)


def _index(names, name, what):
    try:
        return names.index(name)
    except ValueError:
        raise KeyError(f"no {what} {name!r}; expected one of {', '.join(names)}") from None


class Scenario:
    """A scenario (bs_scenario), held by the library. Load it from a file or
    text, change it with set(), read any numeric field with get(). A Run takes a
    copy, so a scenario may be changed and run again."""

    def __init__(self):
        """The defaults of every field, no brands: load() or from_string() is the
        usual start."""
        self._ptr = _lib.bs_scenario_alloc()
        if not self._ptr:
            raise MemoryError("brandsim: out of memory")
        self.file = None  # named in validation messages

    def __del__(self):
        if getattr(self, "_ptr", None):
            _lib.bs_scenario_free(self._ptr)
            self._ptr = None

    @classmethod
    def load(cls, path, overrides=()):
        """Load and validate a scenario file, then apply the overrides
        ("key.path=value", as `brandsim run --set`) and validate again."""
        sc = cls()
        sc.file = os.fspath(path)
        _call(_lib.bs_scenario_load, os.fsencode(path), sc._ptr)
        sc._apply(overrides)
        return sc

    @classmethod
    def from_string(cls, text, name="<string>", overrides=()):
        """The same from YAML text; `name` stands for the file in messages."""
        sc = cls()
        sc.file = name
        data = text.encode()
        _call(_lib.bs_scenario_load_string, data, len(data), name.encode(), sc._ptr)
        sc._apply(overrides)
        return sc

    def _apply(self, overrides):
        if isinstance(overrides, str):
            overrides = [overrides]
        for o in overrides:
            self.set(o)
        if overrides:
            self.validate()

    def set(self, assignment, value=None):
        """Apply one override: set("model.revenge_decay=0.1") or
        set("model.revenge_decay", 0.1) (True/False as true/false). Not
        validated until validate() or a Run."""
        if value is not None:
            if isinstance(value, bool):
                value = "true" if value else "false"
            assignment = f"{assignment}={value}"
        _call(_lib.bs_scenario_set, self._ptr, assignment.encode())
        return self

    def validate(self):
        """Check ranges and cross references (raises Error) and resolve brand names."""
        _call(_lib.bs_scenario_validate, self._ptr,
              self.file.encode() if self.file is not None else None)
        return self

    def get(self, key):
        """The numeric value at a key path ("consumers", "model.revenge_decay",
        "brands[alder].quality"; enumerations and flags as integers)."""
        v = ctypes.c_double()
        _call(_lib.bs_scenario_get, self._ptr, key.encode(), ctypes.byref(v), None)
        return v.value

    def copy(self):
        sc = Scenario()
        _lib.bs_scenario_copy(sc._ptr, self._ptr)
        sc.file = self.file
        return sc

    def to_yaml(self):
        """The scenario with every field resolved, as YAML that loads back to it."""
        p = _lib.bs_scenario_yaml_string(self._ptr)
        if not p:
            raise MemoryError("brandsim: out of memory")
        try:
            return ctypes.string_at(p).decode()
        finally:
            _native.free(p)

    @property
    def name(self):
        return _lib.bs_scenario_name(self._ptr).decode()

    @property
    def steps(self):
        return _lib.bs_scenario_steps(self._ptr)

    @property
    def brands(self):
        """Brand names, in the scenario's order (the order of every per-brand value)."""
        return [_lib.bs_scenario_brand_name(self._ptr, b).decode()
                for b in range(_lib.bs_scenario_n_brands(self._ptr))]


class Event:
    """A shock or policy action of a run: step, brand (name), kind
    ("breach:sold_data", "response:apology", ...), size."""

    __slots__ = ("step", "brand", "kind", "size")

    def __init__(self, step, brand, kind, size):
        self.step, self.brand, self.kind, self.size = step, brand, kind, size

    def __repr__(self):
        return f"Event(step={self.step}, brand={self.brand!r}, kind={self.kind!r}, size={self.size})"


def _bin_of(segment, bins, trait, metric):
    """(grouping, bin, quantile metric index) when `segment` names a quantile bin the run
    reports (bins: each grouping's; trait: the trait grouping's), else None."""
    q = _native.quantile_bin(segment)
    if q is None:
        return None
    g, t, b = q
    if not bins[g] or (g == 1 and t != trait) or b >= bins[g]:
        raise KeyError(f"no quantile bin {segment!r} in this run (strength bins: {bins[0]}, "
                       f"trait bins: {bins[1]})")
    return g, b, _index(QUANTILE_METRICS, metric, "metric reported by quantile bin")


class Series:
    """Every aggregate of a run's steps: brand(metric, segment) is steps x
    brands (segment may be a quantile bin, "strength_q1", with a metric of
    QUANTILE_METRICS), market(metric) one value per step; `steps` the step
    numbers."""

    def __init__(self, brands, steps, values, market, arrays, quantile=None):
        self.brands = brands
        self.steps = steps
        self._v = values      # per step: segment x metric x brand (flat list, or array)
        self._market = market  # per step: market metrics
        self._arrays = arrays
        # (bins per grouping, trait, per grouping: per step metric x bin x brand, flat)
        self._q = quantile or ((0, 0), -1, ([], []))

    def brand(self, metric, segment="all"):
        bins, trait, values = self._q
        q = _bin_of(segment, bins, trait, metric)
        if q is not None:
            g, b, m = q
            B = len(self.brands)
            off = (m * bins[g] + b) * B
            rows = [row[off:off + B] for row in values[g]]
            return _np.array(rows) if self._arrays else [list(r) for r in rows]
        s = _index(SEGMENTS, segment, "segment")
        m = _index(METRICS, metric, "metric")
        if self._arrays:
            return self._v[:, s, m, :].copy()
        B = len(self.brands)
        off = (s * len(METRICS) + m) * B
        return [row[off:off + B] for row in self._v]

    def market(self, metric):
        k = _index(MARKET_METRICS, metric, "market metric")
        if self._arrays:
            return self._market[:, k].copy()
        return [row[k] for row in self._market]


class Run:
    """One run (bs_run) of a copy of a scenario, validated first. step() advances
    one step; metric() and market() read that step's aggregates; run_to_end()
    steps to the last step and returns the Series of the steps it ran."""

    def __init__(self, scenario, threads=0, arrays=None):
        """threads: OpenMP threads (0: the default; the numbers are the same for
        any count). arrays: NumPy arrays (default when numpy imports) or lists."""
        if arrays and not HAVE_NUMPY:
            raise ValueError("brandsim: arrays=True needs numpy, which does not import")
        self._arrays = HAVE_NUMPY if arrays is None else bool(arrays)
        sc = scenario.copy()  # validation resolves brand names: do it on our copy
        sc.validate()
        err = _native._Error()
        self._ptr = _lib.bs_run_alloc(sc._ptr, threads, ctypes.byref(err))
        if not self._ptr:
            raise Error(err.msg.decode("utf-8", "replace"), err.status or ERR_RUNTIME)
        self.brands = sc.brands
        self.steps = sc.steps
        self.name = sc.name

    def __del__(self):
        self.close()

    def close(self):
        """Free the run now (also done when the object goes)."""
        if getattr(self, "_ptr", None):
            if getattr(self, "_owner", None) is None:
                _lib.bs_run_free(self._ptr)
            self._ptr = None

    @classmethod
    def _view(cls, ptr, owner, brands, steps, name, arrays):
        """A run another object owns (a Game's market): readable, freed with its owner."""
        run = cls.__new__(cls)
        run._ptr, run._owner, run._arrays = ptr, owner, arrays
        run.brands, run.steps, run.name = brands, steps, name
        return run

    def change_course(self, brand, *fields):
        """From the next step on, `brand` (a name) changes the brand fields given as
        "key=value" ("price=1.1", "breach_response=apology"): the same numbers as the
        scenario listing that policy shock at this step (bs_run_change_course)."""
        sets = (ctypes.c_char_p * max(len(fields), 1))(*[f.encode() for f in fields])
        _call(_lib.bs_run_change_course, self._live(), brand.encode(), sets, len(fields))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _live(self):
        if not self._ptr:
            raise ValueError("brandsim: the run is closed")
        return self._ptr

    @property
    def steps_done(self):
        return _lib.bs_run_steps_done(self._live())

    @property
    def finished(self):
        return self.steps_done >= self.steps

    def step(self):
        """Advance one step; returns its number. Error (ERR_RUNTIME) once finished."""
        _call(_lib.bs_run_step, self._live())
        return self.steps_done - 1

    def _stats(self):
        if self.steps_done == 0:
            raise ValueError("brandsim: no step done yet")
        return _lib.bs_run_stats(self._live()).contents

    def _out(self, values):
        return _np.array(values) if self._arrays else list(values)

    def metric(self, metric, segment="all"):
        """The last step's value of a brand metric within a segment (or of a quantile
        metric within a quantile bin, "strength_q1"), per brand."""
        st = self._stats()
        B = st.n_brands
        q = _bin_of(segment, tuple(st.quantile_bins), st.quantile_trait, metric)
        if q is not None:
            g, b, m = q
            off = (m * st.quantile_bins[g] + b) * B
            return self._out(st.quantile[g][off:off + B])
        off = (_index(SEGMENTS, segment, "segment") * len(METRICS)
               + _index(METRICS, metric, "metric")) * B
        return self._out(st.v[off:off + B])

    def market(self, metric=None):
        """The last step's value of a market metric, or all of them as a dict."""
        st = self._stats()
        if metric is None:
            return dict(zip(MARKET_METRICS, st.market))
        return st.market[_index(MARKET_METRICS, metric, "market metric")]

    @property
    def events(self):
        """The run's shocks and policy actions (the whole schedule), in step order."""
        n = ctypes.c_int()
        ev = _lib.bs_run_events(self._live(), ctypes.byref(n))
        return [Event(ev[k].step, self.brands[ev[k].brand], ev[k].kind.decode(), ev[k].size)
                for k in range(n.value)]

    def run_to_end(self):
        """Step to the last step; every aggregate of those steps as a Series."""
        n = len(SEGMENTS) * len(METRICS) * len(self.brands)
        steps, values, market, qvalues = [], [], [], ([], [])
        bins, trait = (0, 0), -1
        while not self.finished:
            steps.append(self.step())
            st = _lib.bs_run_stats(self._ptr).contents
            bins, trait = tuple(st.quantile_bins), st.quantile_trait
            for g in range(_native.QUANTILE_GROUPINGS):
                nq = len(QUANTILE_METRICS) * bins[g] * len(self.brands)
                qvalues[g].append(st.quantile[g][:nq] if nq else [])
            if self._arrays:
                values.append(_np.ctypeslib.as_array(st.v, shape=(n,)).copy())
                market.append(_np.ctypeslib.as_array(st.market).copy())
            else:
                values.append(st.v[:n])
                market.append(list(st.market))
        if self._arrays:
            shape = (len(steps), len(SEGMENTS), len(METRICS), len(self.brands))
            values = _np.array(values).reshape(shape)
            market = _np.array(market).reshape(len(steps), len(MARKET_METRICS))
            steps = _np.array(steps)
        return Series(list(self.brands), steps, values, market, self._arrays,
                      (bins, trait, qvalues))


class Game:
    """A market played in rounds by teams (game.h, the classroom's engine): `teams` are brand
    names; before each round of 13 steps each team may decide() brand fields; play() steps
    the market and every team's counterfactual (the same market where that team kept its
    course); standing() scores a team against its counterfactual; log replays the game
    (Game.replay)."""

    def __init__(self, scenario, teams, computers=None, round_steps=0, arrays=None, _ptr=None):
        """`computers`: {brand: strategy} for brands no team holds, played by the computer
        ("steady", "steward", "discounter", "harvester"; game.h says what each does)."""
        self._arrays = HAVE_NUMPY if arrays is None else bool(arrays)
        sc = scenario.copy()
        sc.validate()
        self._sc = sc
        self.teams = list(teams)
        self.computers = dict(computers or {})
        self._round_steps = round_steps
        if _ptr is None:
            names = (ctypes.c_char_p * len(self.teams))(*[t.encode() for t in self.teams])
            err = _native._Error()
            _ptr = _lib.bs_game_new(sc._ptr, names, len(self.teams), self._opts(),
                                    ctypes.byref(err))
            if not _ptr:
                raise Error(err.msg.decode("utf-8", "replace"), err.status or ERR_RUNTIME)
        self._ptr = _ptr

    def _opts(self):
        comp = (_native._GameComputer * max(len(self.computers), 1))(
            *[_native._GameComputer(b.encode(), s.encode()) for b, s in self.computers.items()])
        self._keep = comp  # alive as long as the call that reads it
        return ctypes.byref(_native._GameOpts(self._round_steps, 0, len(self.computers), comp))

    @classmethod
    def replay(cls, scenario, teams, log, computers=None, round_steps=0, arrays=None):
        """The game a log (Game.log) records, every logged round played, with the same
        computer brands: the same numbers."""
        sc = scenario.copy()
        sc.validate()
        game = cls.__new__(cls)
        game.computers, game._round_steps = dict(computers or {}), round_steps
        names = (ctypes.c_char_p * len(teams))(*[t.encode() for t in teams])
        err = _native._Error()
        ptr = _lib.bs_game_replay(sc._ptr, names, len(teams), game._opts(), log.encode(),
                                  ctypes.byref(err))
        if not ptr:
            raise Error(err.msg.decode("utf-8", "replace"), err.status or ERR_RUNTIME)
        return cls(sc, teams, computers, round_steps, arrays, _ptr=ptr)

    def computer_move(self, brand):
        """A computer brand's decisions in the market at the start of the last round played
        ("key=value" separated by spaces; "" when it kept its course)."""
        for c in range(_lib.bs_game_computers(self._ptr)):
            if _lib.bs_game_computer_brand(self._ptr, c).decode() == brand:
                return _lib.bs_game_computer_move(self._ptr, c).decode()
        raise Error("'%s' is not a computer brand of this game" % brand, ERR_INPUT)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _lib.bs_game_free(self._ptr)
            self._ptr = None

    @property
    def rounds(self):
        return _lib.bs_game_rounds(self._ptr)

    @property
    def round(self):
        """Rounds played so far."""
        return _lib.bs_game_round(self._ptr)

    def decide(self, team, *fields):
        """Team `team` (its brand's name)'s decisions for the next round, "key=value"."""
        j = _index(self.teams, team, "team")
        sets = (ctypes.c_char_p * max(len(fields), 1))(*[f.encode() for f in fields])
        _call(_lib.bs_game_decide, self._ptr, j, sets, len(fields))

    def play(self):
        """Play the next round."""
        _call(_lib.bs_game_play, self._ptr)

    def _run(self, ptr):
        return Run._view(ptr, self, self._sc.brands, self._sc.steps, self._sc.name, self._arrays)

    @property
    def market(self):
        """The market as it stands: a Run to read (metric(), market(), events)."""
        return self._run(_lib.bs_game_market(self._ptr))

    def counterfactual(self, team):
        """Team `team`'s counterfactual: the market where it kept its course."""
        return self._run(_lib.bs_game_counterfactual(self._ptr,
                                                     _index(self.teams, team, "team")))

    def standing(self, team):
        """A team's totals so far against its counterfactual's, as a dict (revenue, net,
        score = net - counterfactual net, share, revenge_acts, ...)."""
        st = _lib.bs_game_standing_of(self._ptr, _index(self.teams, team, "team"))
        return {name: getattr(st, name) for name, _ in st._fields_}

    def round_standing(self, team, round):
        """The same for one round played (0-based): totals over its steps, share at its end."""
        st = _lib.bs_game_round_standing(self._ptr, _index(self.teams, team, "team"), round)
        return {name: getattr(st, name) for name, _ in st._fields_}

    @property
    def log(self):
        """The decisions so far: "ROUND TEAM key=value" lines, "ROUND end" after each round."""
        p = _lib.bs_game_log_string(self._ptr)
        if not p:
            raise Error("out of memory", ERR_RUNTIME)
        try:
            return ctypes.string_at(p).decode()
        finally:
            _native.free(p)


def simulate(path, overrides=(), threads=0, arrays=None):
    """Load a scenario file, apply the overrides, run it to the end: its Series."""
    with Run(Scenario.load(path, overrides), threads=threads, arrays=arrays) as run:
        return run.run_to_end()


def run_file(path, output, overrides=(), threads=0):
    """What `brandsim run PATH -o OUTPUT --set ...` does: load the scenario file with its
    variants, apply the overrides ("key.path=value"), run every variant x replicate and
    write the HDF5 file OUTPUT (docs/OUTPUT.md; written aside and renamed when complete).
    Raises brandsim.Error with the library's message on bad input or a failed write."""
    if isinstance(overrides, str):
        overrides = [overrides]
    items = [os.fsencode(o) if not isinstance(o, bytes) else o for o in overrides]
    array = (ctypes.c_char_p * max(len(items), 1))(*items)
    _call(_lib.bs_experiment_run_file, os.fsencode(path), array, len(items),
          os.fsencode(output), threads)
