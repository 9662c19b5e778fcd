#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the three benchmarks. (a),(b): serial HDF5; (c): openmpi-flavour HDF5 by explicit paths.
set -euo pipefail
cd "$(dirname "$0")"
S_INC=/usr/include/hdf5/serial;  S_LIB=/usr/lib/x86_64-linux-gnu/hdf5/serial
P_INC=/usr/include/hdf5/openmpi; P_LIB=/usr/lib/x86_64-linux-gnu/hdf5/openmpi
CFLAGS="-O2 -std=c11 -Wall -Wextra"
mpicc $CFLAGS -I$S_INC a_gather.c   -o a_gather   -L$S_LIB -Wl,-rpath,$S_LIB -lhdf5
mpicc $CFLAGS -I$S_INC b_perrank.c  -o b_perrank  -L$S_LIB -Wl,-rpath,$S_LIB -lhdf5
mpicc $CFLAGS -I$P_INC c_parallel.c -o c_parallel -L$P_LIB -Wl,-rpath,$P_LIB -lhdf5
for b in a_gather b_perrank c_parallel; do echo "$b -> $(ldd ./$b | grep -o 'libhdf5[^ ]*' | sort -u | tr '\n' ' ')"; done
