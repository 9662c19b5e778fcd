/* SPDX-License-Identifier: MIT */
/*
 * version.h: the library's version and the version of the output file's
 * layout (docs/OUTPUT.md), which readers check. Included by brandsim.h.
 */
#ifndef BRANDSIM_VERSION_H
#define BRANDSIM_VERSION_H

#define BS_VERSION "0.1.0"
#define BS_OUTPUT_FORMAT_VERSION 1

#endif
