/* SPDX-License-Identifier: MIT */
/*
 * h5_util.h: the small HDF5 pieces every file brandsim writes is made of
 * (the run and ensemble files, sim/io/output.c; the classroom's export,
 * sim/classroom/export.c): UTF-8 string types, scalar attributes, and groups
 * without timestamps, so that the same content gives the same bytes.
 * Internal to the library and the command.
 */
#ifndef BRANDSIM_IO_H5_UTIL_H
#define BRANDSIM_IO_H5_UTIL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* A UTF-8 string type: variable length if size is 0, else fixed, null padded. */
hid_t bs_h5_str_type(size_t size);
/* A scalar attribute of file type ftype from a value of memory type mtype. */
herr_t bs_h5_attr_write(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value);
herr_t bs_h5_attr_str(hid_t obj, const char *name, const char *value); /* variable length */
herr_t bs_h5_attr_int(hid_t obj, const char *name, int value);
herr_t bs_h5_attr_i64(hid_t obj, const char *name, int64_t value);
herr_t bs_h5_attr_double(hid_t obj, const char *name, double value);
/* A group without timestamps. */
hid_t bs_h5_group(hid_t loc, const char *name);

#endif
