/* SPDX-License-Identifier: MIT */
/*
 * store.c: the class in its state folder (store.h): class.json, written
 * whole to a temporary file, flushed to disk and renamed over the last, so a
 * server killed at any moment leaves the last complete save; scenario.yaml,
 * the resolved scenario, so the class resumes without the file it began from.
 */
#define _GNU_SOURCE
#include "classroom/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write `len` bytes to path, atomically (path.tmp, fsync, rename). */
static int write_atomic(const char *path, const char *bytes, size_t len, char *why, size_t n)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, n, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, bytes + done, len - done);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        done += (size_t)k;
    }
    int bad = done < len || fsync(fd);
    int e = errno;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path)) {
        snprintf(why, n, "%s: %s", path, strerror(bad ? e : errno));
        unlink(tmp);
        return -1;
    }
    /* the rename itself survives a crash once the folder is on disk */
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int store_lock(const char *dir, char *why, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, n, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) { /* held until this process ends */
        snprintf(why, n, "%s is in use by another `brandsim classroom` (a class is served "
                 "from one server at a time)", dir);
        close(fd);
        return -1;
    }
    return 0;
}

int store_open(const char *dir, const bs_scenario *sc, char *why, size_t n)
{
    if (mkdir(dir, 0700) && errno != EEXIST) {
        snprintf(why, n, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (store_lock(dir, why, n))
        return -1;
    char *yaml = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&yaml, &len);
    if (!m || bs_scenario_write_yaml(m, sc) || fclose(m)) {
        free(yaml);
        snprintf(why, n, "out of memory writing the scenario");
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    int rc = write_atomic(path, yaml, len, why, n);
    free(yaml);
    return rc;
}

int store_save(cls_class *c, void *dir)
{
    json_t *v = cls_save(c);
    char *text = v ? json_dumps(v, JSON_INDENT(1)) : NULL;
    json_decref(v);
    char why[512] = "out of memory saving the class";
    char path[4200];
    snprintf(path, sizeof path, "%s/class.json", (const char *)dir);
    int rc = text ? write_atomic(path, text, strlen(text), why, sizeof why) : -1;
    free(text);
    if (rc)
        cls_save_failed(c, why);
    return rc;
}

int store_exists(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/class.json", dir);
    return access(path, F_OK) == 0;
}

cls_class *store_resume(const char *dir, const cls_options *opt, bs_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        return NULL;
    }
    cls_class *c = NULL;
    if (bs_scenario_load(path, sc, err) == BS_OK) {
        snprintf(path, sizeof path, "%s/class.json", dir);
        json_error_t e;
        json_t *saved = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
        if (!saved)
            bs_error_setf(err, BS_ERR_INPUT, "%s:%d: %s", path, e.line, e.text);
        else
            c = cls_restore(sc, saved, opt, err);
        json_decref(saved);
    }
    free(sc);
    return c;
}
