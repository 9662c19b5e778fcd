/* SPDX-License-Identifier: MIT */
/*
 * gnuplot.c: the gnuplot process (see gnuplot.h). Finds the program on PATH,
 * runs a script and turns its failures into errors, and checks that the file
 * it wrote is complete.
 *
 * The script is written to a temporary file and gnuplot runs it, its
 * messages coming back through a pipe (popen): unlike feeding the script
 * into gnuplot's standard input, a gnuplot that stops at an error cannot
 * kill us with SIGPIPE, and its message becomes the error we return.
 */
#define _POSIX_C_SOURCE 200809L
#include "analysis/gnuplot.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MSG_LEN = 2048 }; /* gnuplot's messages kept */


bs_status bs_gnuplot_find(char *path, size_t n, bs_error *err)
{
    const char *dirs = getenv("PATH");
    for (const char *p = dirs ? dirs : ""; *p;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct stat st;
        snprintf(path, n, "%.*s/gnuplot", (int)len, len ? p : ".");
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return BS_OK;
        p += len + (end != NULL);
    }
    path[0] = '\0';
    return bs_error_setf(err, BS_ERR_RUNTIME,
                "gnuplot not found on PATH: it draws the figures; install the Debian package "
                "gnuplot-nox (apt-get install gnuplot-nox)");
}

/* s in single quotes for sh. */
static void sh_quote(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    fputc('\'', out);
}

void bs_gnuplot_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

/* gnuplot's message on one line into out[n]: its lines joined by " | ", blank ones
   dropped. */
static void one_line(const char *msg, char *out, size_t n)
{
    size_t w = 0;
    int pending = 0;
    for (const char *p = msg; *p && w + 4 < n; p++) {
        if (*p == '\n' || *p == '\r') {
            pending = w > 0;
            continue;
        }
        if (pending) {
            memcpy(out + w, " | ", 3);
            w += 3;
            pending = 0;
        }
        out[w++] = *p;
    }
    out[w] = '\0';
}

bs_status bs_gnuplot_run(const char *gnuplot, const char *script, size_t len, const char *output,
                         const char *shown, bs_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/brandsim-plot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot create a temporary file %s: %s", path,
                    strerror(errno));
    FILE *f = fdopen(fd, "w");
    int bad = !f || fwrite(script, 1, len, f) != len;
    if (f ? fclose(f) != 0 : close(fd) != 0)
        bad = 1;
    if (bad) {
        int e = errno;
        unlink(path);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", path, strerror(e));
    }
    char *cmd = NULL;
    size_t cmd_len = 0;
    FILE *c = open_memstream(&cmd, &cmd_len);
    if (!c) {
        unlink(path);
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    }
    fputs("exec ", c);
    sh_quote(c, gnuplot);
    fputc(' ', c);
    sh_quote(c, path);
    fputs(" 2>&1 </dev/null", c);
    fclose(c);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    char msg[MSG_LEN] = "";
    size_t n = 0, got;
    char sink[512];
    int status = -1;
    if (p) {
        while ((got = fread(n < sizeof msg - 1 ? msg + n : sink, 1,
                            n < sizeof msg - 1 ? sizeof msg - 1 - n : sizeof sink, p)) > 0)
            if (n < sizeof msg - 1)
                n += got;
        msg[n] = '\0';
        status = pclose(p);
    }
    free(cmd);
    unlink(path);
    char line[MSG_LEN];
    one_line(msg, line, sizeof line);
    struct stat st;
    if (status == -1)
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot run gnuplot (%s): %s", gnuplot,
                    strerror(errno));
    if (WIFSIGNALED(status)) {
        unlink(output);
        return bs_error_setf(err, BS_ERR_RUNTIME, "gnuplot was stopped by signal %d (%s) drawing %s",
                    WTERMSIG(status), strsignal(WTERMSIG(status)), shown);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(output);
        return bs_error_setf(err, BS_ERR_RUNTIME, "gnuplot failed drawing %s: %s", shown,
                    *line ? line : "no message (was it interrupted?)");
    }
    if (stat(output, &st) != 0 || st.st_size == 0) {
        unlink(output);
        return bs_error_setf(err, BS_ERR_RUNTIME, "gnuplot wrote no %s%s%s", shown, *line ? ": " : "",
                    line);
    }
    return BS_OK;
}

bs_status bs_gnuplot_check_complete(bs_plot_format format, const char *file, const char *output,
                                    bs_error *err)
{
    unsigned char tail[1024];
    size_t n = 0;
    FILE *f = fopen(file, "rb");
    if (f) {
        long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
        long from = size > (long)sizeof tail ? size - (long)sizeof tail : 0;
        if (size > 0 && fseek(f, from, SEEK_SET) == 0)
            n = fread(tail, 1, sizeof tail, f);
        fclose(f);
    }
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    int ok;
    switch (format) {
    case BS_PLOT_SVG:
        while (n && isspace(tail[n - 1]))
            n--;
        ok = n >= 6 && memcmp(tail + n - 6, "</svg>", 6) == 0;
        break;
    case BS_PLOT_PDF:
        ok = 0;
        for (size_t i = 0; i + 5 <= n && !ok; i++)
            ok = memcmp(tail + i, "%%EOF", 5) == 0;
        break;
    default: ok = n >= sizeof iend && memcmp(tail + n - sizeof iend, iend, sizeof iend) == 0;
    }
    if (!ok)
        return bs_error_setf(err, BS_ERR_RUNTIME, "gnuplot could not write all of %s (is the disk full?): "
                    "the file stops before the end of a %s", output, bs_plot_format_name(format));
    return BS_OK;
}
