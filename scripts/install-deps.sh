#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install-deps.sh [--mpi] [--browser]: install the Debian packages brandsim needs to build,
# test and plot; with --mpi also Open MPI, for the MPI build (`mpirun -np N build/brandsim
# ...`; docs/CLUSTER.md), which CMake then builds by itself; with --browser Chromium, whose
# headless mode tests the classroom's pages. scripts/test.sh asks for both.
# Idempotent: asks apt-get only for packages that are not installed yet, and runs
# `apt-get update` only when something is missing. Needs root (or sudo) on Debian 12.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgsl-dev            # distributions, statistics
  libhdf5-dev hdf5-tools  # output (C API) and h5dump/h5diff for tests
  libyaml-dev           # scenario files (YAML parser; see docs/DESIGN.md on libcyaml)
  librandom123-dev      # counter-based Philox RNG
  libcriterion-dev      # tests
  python3               # tests that check JSON output (/usr/bin/python3)
  gnuplot-nox           # brandsim plot / compare -o / report draw their figures with it
  fonts-dejavu-core     # the figures' font
  python3-h5py python3-numpy  # tests/python/test_h5py.py reads every dataset with h5py;
                        # the brandsim module (test_module.py) gives NumPy arrays
  python3-pandas        # ... and the CSV export with pandas
  python3-xarray python3-netcdf4  # tests/python/test_xarray.py: the files' dimension scales
                        # as netCDF readers see them (xarray opens HDF5 through netCDF4)
  libmicrohttpd-dev     # `brandsim classroom`: the classroom game's HTTP server
  libjansson-dev        # ... and its JSON (requests, replies, the saved class)
)
for arg in "$@"; do
  case "$arg" in
    --mpi) packages+=(openmpi-bin libopenmpi-dev) ;; # mpirun, mpicc and MPI's CMake module
    --browser) packages+=(chromium python3-websocket) ;; # headless Chromium plays the classroom's
               # pages (tests), driven over the DevTools protocol (a WebSocket)
    *) echo "install-deps: unknown option '$arg', expected --mpi or --browser" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
