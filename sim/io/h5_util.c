/* SPDX-License-Identifier: MIT */
/*
 * h5_util.c: string types, scalar attributes and timestamp-free groups for
 * every HDF5 file brandsim writes (h5_util.h).
 */
#include "io/h5_util.h"

hid_t bs_h5_str_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, size ? size : H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0
        || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

herr_t bs_h5_attr_write(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = space < 0 ? H5I_INVALID_HID
                        : H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, mtype, value);
    if (a >= 0 && H5Aclose(a) < 0)
        rc = -1;
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

herr_t bs_h5_attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t t = bs_h5_str_type(0);
    const char *v = value ? value : "";
    herr_t rc = t < 0 ? -1 : bs_h5_attr_write(obj, name, t, t, &v);
    if (t >= 0)
        H5Tclose(t);
    return rc;
}

herr_t bs_h5_attr_int(hid_t obj, const char *name, int value)
{
    return bs_h5_attr_write(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

herr_t bs_h5_attr_i64(hid_t obj, const char *name, int64_t value)
{
    return bs_h5_attr_write(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

herr_t bs_h5_attr_double(hid_t obj, const char *name, double value)
{
    return bs_h5_attr_write(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

hid_t bs_h5_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t g = H5I_INVALID_HID;
    if (gcpl >= 0 && H5Pset_obj_track_times(gcpl, 0) >= 0)
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return g;
}
