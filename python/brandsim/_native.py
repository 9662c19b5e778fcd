# SPDX-License-Identifier: MIT
"""_native.py: finding and loading libbrandsim.so, and the ctypes prototypes of
the part of its C API (include/brandsim/) that the brandsim module uses.

Only small, stable structs are mirrored here (bs_error, bs_stats, bs_event,
bs_metric_info); a bs_scenario is held by pointer and read through accessors
(bs_scenario_alloc, bs_scenario_n_brands, ...), never mirrored.

The library is looked for, in order, at:
  1. $BRANDSIM_LIBRARY (a path to libbrandsim.so);
  2. the build tree of the sources this module sits in (build/libbrandsim.so
     beside python/);
  3. ctypes.util.find_library("brandsim") (the system's library path, e.g.
     after `cmake --install` into /usr/local and ldconfig).
"""
import ctypes
import ctypes.util
import os
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_int, c_size_t, c_void_p


class _Error(Structure):
    """bs_error (include/brandsim/error.h)."""

    _fields_ = [("status", c_int), ("msg", c_char * 512)]


class _MetricInfo(Structure):
    """bs_metric_info (include/brandsim/metrics.h)."""

    _fields_ = [("name", c_char_p), ("units", c_char_p), ("description", c_char_p)]


class _Event(Structure):
    """bs_event (include/brandsim/run.h)."""

    _fields_ = [("step", c_int), ("brand", c_int), ("kind", c_char * 32), ("size", c_double)]


def _candidates():
    env = os.environ.get("BRANDSIM_LIBRARY")
    if env:
        yield env, "$BRANDSIM_LIBRARY"
        return  # asked for that one: do not silently load another
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.join(here, os.pardir, os.pardir, "build", "libbrandsim.so")
    yield os.path.normpath(tree), "the build tree"
    found = ctypes.util.find_library("brandsim")
    if found:
        yield found, "the library path"


def _load():
    tried = []
    for path, where in _candidates():
        if where == "the build tree" and not os.path.exists(path):
            tried.append(f"{path} (not built)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path} ({where}: {e})")
    raise ImportError(
        "brandsim: cannot load libbrandsim.so; set BRANDSIM_LIBRARY to its path, build it "
        "(cmake --preset release && cmake --build build) or install it. Tried: "
        + ("; ".join(tried) if tried else "nothing found"))


lib, path = _load()

_err = POINTER(_Error)
_PROTOTYPES = {
    # scenario.h
    "bs_scenario_alloc": (c_void_p, []),
    "bs_scenario_free": (None, [c_void_p]),
    "bs_scenario_copy": (None, [c_void_p, c_void_p]),
    "bs_scenario_load": (c_int, [c_char_p, c_void_p, _err]),
    "bs_scenario_load_string": (c_int, [c_char_p, c_size_t, c_char_p, c_void_p, _err]),
    "bs_scenario_set": (c_int, [c_void_p, c_char_p, _err]),
    "bs_scenario_validate": (c_int, [c_void_p, c_char_p, _err]),
    "bs_scenario_get": (c_int, [c_void_p, c_char_p, POINTER(c_double), c_void_p, _err]),
    "bs_scenario_yaml_string": (c_void_p, [c_void_p]),
    "bs_scenario_name": (c_char_p, [c_void_p]),
    "bs_scenario_steps": (c_int, [c_void_p]),
    "bs_scenario_n_brands": (c_int, [c_void_p]),
    "bs_scenario_brand_name": (c_char_p, [c_void_p, c_int]),
    # metrics.h
    "bs_metric_get": (POINTER(_MetricInfo), [c_int]),
    "bs_market_metric_get": (POINTER(_MetricInfo), [c_int]),
    "bs_segment_name": (c_char_p, [c_int]),
    "bs_quantile_metric_get": (POINTER(_MetricInfo), [c_int]),
    "bs_quantile_bin_parse": (c_int, [c_char_p, POINTER(c_int), POINTER(c_int), POINTER(c_int)]),
    "bs_quantile_bin_name": (c_char_p, [c_int, c_int, c_int, c_char_p, c_size_t]),
    # run.h (bs_run_stats is declared below, once bs_stats' size is known)
    "bs_run_alloc": (c_void_p, [c_void_p, c_int, _err]),
    "bs_run_free": (None, [c_void_p]),
    "bs_run_step": (c_int, [c_void_p, _err]),
    "bs_run_steps_done": (c_int, [c_void_p]),
    "bs_run_events": (POINTER(_Event), [c_void_p, POINTER(c_int)]),
    "bs_run_scenario": (c_void_p, [c_void_p]),
    # experiment.h
    "bs_experiment_run_file": (c_int, [c_char_p, POINTER(c_char_p), c_int, c_char_p, c_int, _err]),
    # game.h (bs_game_standing is declared below)
    "bs_run_change_course": (c_int, [c_void_p, c_char_p, POINTER(c_char_p), c_int, _err]),
    "bs_game_new": (c_void_p, [c_void_p, POINTER(c_char_p), c_int, c_void_p, _err]),
    "bs_game_free": (None, [c_void_p]),
    "bs_game_rounds": (c_int, [c_void_p]),
    "bs_game_round": (c_int, [c_void_p]),
    "bs_game_teams": (c_int, [c_void_p]),
    "bs_game_team": (c_char_p, [c_void_p, c_int]),
    "bs_game_decide": (c_int, [c_void_p, c_int, POINTER(c_char_p), c_int, _err]),
    "bs_game_play": (c_int, [c_void_p, _err]),
    "bs_game_market": (c_void_p, [c_void_p]),
    "bs_game_counterfactual": (c_void_p, [c_void_p, c_int]),
    "bs_game_log_string": (c_void_p, [c_void_p]),
    "bs_game_replay": (c_void_p, [c_void_p, POINTER(c_char_p), c_int, c_void_p, c_char_p, _err]),
    "bs_game_computers": (c_int, [c_void_p]),
    "bs_game_computer_brand": (c_char_p, [c_void_p, c_int]),
    "bs_game_computer_move": (c_char_p, [c_void_p, c_int]),
}
for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype, _f.argtypes = _res, _args


def _infos(get):
    """(name, units, description) of each metric the library describes, counted up
    to the first NULL (bs_metric_get beyond the last metric)."""
    out, i = [], 0
    while get(i):
        info = get(i).contents
        out.append((info.name.decode(), info.units.decode(), info.description.decode()))
        i += 1
    return out


METRICS = _infos(lib.bs_metric_get)
MARKET_METRICS = _infos(lib.bs_market_metric_get)
QUANTILE_METRICS = _infos(lib.bs_quantile_metric_get)
SEGMENTS = []
while lib.bs_segment_name(len(SEGMENTS)) is not None:
    SEGMENTS.append(lib.bs_segment_name(len(SEGMENTS)).decode())


QUANTILE_GROUPINGS = 2  # BS_QG_COUNT: strength, trait


class _Stats(Structure):
    """bs_stats (include/brandsim/metrics.h): market[] holds one value per market
    metric, as many as the library names; then the bins of each quantile grouping,
    the trait of the trait grouping, and each grouping's values (NULL when off)."""

    _fields_ = [("step", c_int), ("n_brands", c_int), ("v", POINTER(c_double)),
                ("market", c_double * len(MARKET_METRICS)),
                ("quantile_bins", c_int * QUANTILE_GROUPINGS), ("quantile_trait", c_int),
                ("quantile", POINTER(c_double) * QUANTILE_GROUPINGS)]


def quantile_bin(name):
    """(grouping, trait, bin) of a quantile bin's name ("strength_q1", "anxiety_q3"), or
    None when the name is not one."""
    g, t, b = c_int(), c_int(), c_int()
    if lib.bs_quantile_bin_parse(name.encode(), ctypes.byref(g), ctypes.byref(t),
                                 ctypes.byref(b)) != 0:
        return None
    return g.value, t.value, b.value


lib.bs_run_stats.restype, lib.bs_run_stats.argtypes = POINTER(_Stats), [c_void_p]


class _Standing(Structure):
    """bs_game_standing (include/brandsim/game.h)."""

    _fields_ = [(name, c_double) for name in (
        "revenue", "counterfactual_revenue", "net", "counterfactual_net", "score", "share",
        "counterfactual_share", "revenge_acts")]


class _GameComputer(Structure):
    """bs_game_computer (include/brandsim/game.h)."""

    _fields_ = [("brand", ctypes.c_char_p), ("strategy", ctypes.c_char_p)]


class _GameOpts(Structure):
    """bs_game_opts (include/brandsim/game.h)."""

    _fields_ = [("round_steps", ctypes.c_int), ("threads", ctypes.c_int),
                ("n_computers", ctypes.c_int), ("computers", POINTER(_GameComputer))]


lib.bs_game_standing_of.restype = _Standing
lib.bs_game_standing_of.argtypes = [c_void_p, c_int]
lib.bs_game_round_standing.restype = _Standing
lib.bs_game_round_standing.argtypes = [c_void_p, c_int, c_int]

# Strings the library allocates (bs_scenario_yaml_string) are released with the
# C library's free().
_libc = ctypes.CDLL(None)
_libc.free.restype, _libc.free.argtypes = None, [c_void_p]
free = _libc.free
