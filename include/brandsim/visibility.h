/* SPDX-License-Identifier: MIT */
/*
 * visibility.h: which symbols libbrandsim.so exports. The library is compiled
 * with -fvisibility=hidden; each public header wraps its declarations in
 * BS_API_BEGIN ... BS_API_END, which gives them default visibility, so the
 * shared library exports exactly the functions declared in include/brandsim/
 * and none of those of the private headers (sim/, analysis/). A new public
 * header does the same. Callers need do nothing.
 */
#ifndef BRANDSIM_VISIBILITY_H
#define BRANDSIM_VISIBILITY_H

#if defined(__GNUC__)
#define BS_API_BEGIN _Pragma("GCC visibility push(default)")
#define BS_API_END _Pragma("GCC visibility pop")
#else
#define BS_API_BEGIN
#define BS_API_END
#endif

#endif
