/* SPDX-License-Identifier: MIT */
/*
 * test_cli.c: the `brandsim` command (sim/cli/), run as a program (BS_BINARY)
 * in a temporary directory holding a copy of tests/data/good/tiny.yaml
 * (2 000 consumers, 10 steps: each run takes a fraction of a second).
 *
 * - exit codes: 0 for a run, check, schema, every --help, --version; 2 for
 *   every kind of bad input (scenario, flags, --set); 1 for a failure at run
 *   time (output path, standard output that cannot be written, a signal);
 * - bad input and failures leave neither the output file nor its .partial;
 * - the output goes where -o says, else to results/NAME.h5 under the current
 *   directory; stdout (a pipe here) has the summary and the path, no progress
 *   line unless --progress; --quiet prints nothing;
 * - SIGINT and SIGTERM during a run: exit 1, no file, no .partial;
 * - `check --print` prints a scenario that `check` accepts and that has the
 *   --set overrides in it;
 * - --seed, --steps and --set are recorded in the output file (root
 *   attributes `overrides`, `seed`, `steps`, `scenario`; read with the HDF5
 *   API and with h5dump).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "brandsim/brandsim.h"
#include "io/scenario_io.h"
#include "test_dir.h"

#define TINY BS_SOURCE_DIR "/tests/data/good/tiny.yaml"
#define BAD BS_SOURCE_DIR "/tests/data/bad"


/* ---- helpers ------------------------------------------------------------------ */

static void copy_file(const char *from, const char *to)
{
    char *text = slurp(from, NULL);
    cr_assert_not_null(text, "cannot read %s", from);
    FILE *f = fopen(to, "wb");
    cr_assert_not_null(f, "cannot write %s", to);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
    free(text);
}

static int exists(const char *name)
{
    struct stat st;
    return stat(in_dir(name), &st) == 0;
}

/* A file that exists and is not empty. */
static int has_content(const char *name)
{
    struct stat st;
    return stat(in_dir(name), &st) == 0 && st.st_size > 0;
}

static int is_dir(const char *name)
{
    struct stat st;
    return stat(in_dir(name), &st) == 0 && S_ISDIR(st.st_mode);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/bs_cli_XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "cannot create a temporary directory");
    copy_file(TINY, in_dir("tiny.yaml"));
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) cr_log_warn("cannot remove %s", dir);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

/* Run a shell command in the test's directory (brandsim: `brandsim ARGS`; ARGS
   a shell fragment, printf format). stdout is a pipe read into *out (if out is
   not NULL; caller frees), stderr goes to stderr.txt. Returns the exit code,
   or 128 + the signal that ended it. */
static int vshell(char **out, const char *prefix, const char *fmt, va_list ap)
{
    char args[2048], cmd[4096];
    vsnprintf(args, sizeof args, fmt, ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s%s 2>stderr.txt", dir, prefix, args);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "popen: %s", strerror(errno));
    char *buf = slurp_stream(p, NULL);
    int status = pclose(p);
    cr_assert_neq(status, -1, "pclose: %s", strerror(errno));
    if (out) *out = buf;
    else free(buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int brandsim(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int brandsim(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vshell(out, "exec '" BS_BINARY "' ", fmt, ap);
    va_end(ap);
    return rc;
}

/* Any shell command, the same way. */
static int shell(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int shell(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vshell(out, "", fmt, ap);
    va_end(ap);
    return rc;
}

/* What the last command wrote on stderr (caller frees). */
static char *last_stderr(void)
{
    char *s = slurp(in_dir("stderr.txt"), NULL);
    cr_assert_not_null(s, "no stderr.txt");
    return s;
}

/* Read a root string attribute of an HDF5 file (caller frees). */
static char *attr_string(hid_t f, const char *obj, const char *name)
{
    hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no attribute %s@%s", obj, name);
    hid_t t = H5Aget_type(a);
    cr_assert_eq(H5Tget_class(t), H5T_STRING, "%s@%s is not a string", obj, name);
    char *copy;
    if (H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        cr_assert_geq(H5Aread(a, t, &s), 0);
        copy = strdup(s ? s : "");
        H5free_memory(s);
    } else {
        copy = calloc(H5Tget_size(t) + 1, 1);
        cr_assert_geq(H5Aread(a, t, copy), 0);
    }
    H5Tclose(t);
    H5Aclose(a);
    return copy;
}

static void attr_read(hid_t f, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no root attribute '%s'", name);
    cr_assert_geq(H5Aread(a, mtype, out), 0);
    H5Aclose(a);
}

static hid_t open_h5(const char *name)
{
    hid_t f = H5Fopen(in_dir(name), H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "cannot open %s as HDF5", name);
    return f;
}

/* ---- exit code 0 ----------------------------------------------------------------- */

Test(cli, version)
{
    char *out;
    cr_assert_eq(brandsim(&out, "--version"), 0);
    cr_expect_eq(strncmp(out, "brandsim " BS_VERSION, strlen("brandsim " BS_VERSION)), 0, "%s", out);
    free(out);
    cr_expect_eq(brandsim(NULL, "-V"), 0);
}

Test(cli, help_on_every_command)
{
    static const char *const forms[] = {"--help", "-h", "run --help", "run -h", "check --help",
                                        "check -h", "schema --help", "schema -h"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *out;
        cr_expect_eq(brandsim(&out, "%s", forms[i]), 0, "brandsim %s", forms[i]);
        cr_expect_not_null(strstr(out, "usage: brandsim"), "brandsim %s printed: %s", forms[i], out);
        free(out);
        char *err = last_stderr();
        cr_expect_str_empty(err, "brandsim %s wrote on stderr: %s", forms[i], err);
        free(err);
    }
}

Test(cli, schema)
{
    char *out;
    cr_assert_eq(brandsim(&out, "schema"), 0);
    cr_expect_not_null(strstr(out, "| `quality` |"));
    cr_expect_not_null(strstr(out, "| `revenge_decay` |"));
    free(out);
}

Test(cli, check_good_scenario)
{
    char *out;
    cr_assert_eq(brandsim(&out, "check tiny.yaml"), 0);
    cr_expect_not_null(strstr(out, "ok: scenario 'tiny', 2000 consumers, 10 steps, 2 brands, 1 shocks"),
                       "%s", out);
    free(out);
    cr_expect_eq(brandsim(NULL, "check '%s/scenarios/default.yaml'", BS_SOURCE_DIR), 0);
}

Test(cli, run_writes_the_file_and_a_summary)
{
    char *out;
    cr_assert_eq(brandsim(&out, "run tiny.yaml -o out.h5"), 0);
    cr_expect(exists("out.h5"));
    cr_expect(!exists("out.h5.partial"));
    cr_expect(!exists("results"), "with -o nothing goes to results/");
    cr_expect_not_null(strstr(out, "scenario 'tiny', 2000 consumers x 10 steps, seed 11"), "%s", out);
    cr_expect_not_null(strstr(out, "share@end"), "%s", out);
    cr_expect_not_null(strstr(out, "\nwrote out.h5\n"), "%s", out);
    free(out);
    char *err = last_stderr();
    cr_expect_null(strstr(err, "step "), "a progress line on a pipe: %s", err);
    cr_expect_str_empty(err);
    free(err);

    hid_t f = open_h5("out.h5");
    int complete = 0;
    attr_read(f, "complete", H5T_NATIVE_INT, &complete);
    cr_expect_eq(complete, 1);
    H5Fclose(f);
}

Test(cli, run_progress_on_a_pipe_only_when_asked)
{
    cr_assert_eq(brandsim(NULL, "run tiny.yaml -o out.h5 --progress"), 0);
    char *err = last_stderr();
    cr_expect_not_null(strstr(err, "step 10/10"), "no progress line with --progress: %s", err);
    free(err);
}

Test(cli, run_quiet_prints_nothing)
{
    char *out;
    cr_assert_eq(brandsim(&out, "run tiny.yaml -o out.h5 --quiet"), 0);
    cr_expect_str_empty(out, "--quiet printed: %s", out);
    free(out);
    char *err = last_stderr();
    cr_expect_str_empty(err, "--quiet wrote on stderr: %s", err);
    free(err);
    cr_expect(exists("out.h5"));
    /* --quiet wins over --progress */
    cr_assert_eq(brandsim(&out, "run tiny.yaml -o out2.h5 -q --progress"), 0);
    cr_expect_str_empty(out);
    free(out);
    err = last_stderr();
    cr_expect_str_empty(err);
    free(err);
}

Test(cli, run_verbose)
{
    char *out;
    cr_assert_eq(brandsim(&out, "run tiny.yaml -o out.h5 --verbose --threads 2"), 0);
    cr_expect_not_null(strstr(out, "bytes per consumer"), "%s", out);
    cr_expect_not_null(strstr(out, "on 2 threads"), "%s", out);
    free(out);
}

Test(cli, run_default_output_is_results_name_h5)
{
    char *out;
    cr_assert_eq(brandsim(&out, "run tiny.yaml"), 0);
    cr_expect(is_dir("results"));
    cr_expect(exists("results/tiny.h5"));
    cr_expect(!exists("results/tiny.h5.partial"));
    cr_expect_not_null(strstr(out, "wrote results/tiny.h5"), "%s", out);
    free(out);
}

/* ---- exit code 2: bad input ------------------------------------------------------- */

typedef struct {
    const char *args; /* after `brandsim`, in the test's directory */
    const char *what; /* in the message on stderr */
} bad_args;

static const bad_args bad[] = {
    /* the scenario */
    {"run " BAD "/unknown_brand_key.yaml -o out.h5", "unknown_brand_key.yaml:7: 'brands[1].qualty': unknown key"},
    {"run " BAD "/range_probability.yaml -o out.h5", "range_probability.yaml:4: 'model.p_wom': 1.5 is out of range"},
    {"run " BAD "/syntax_flow.yaml -o out.h5", "syntax_flow.yaml:5: not valid YAML"},
    {"run " BAD "/empty.yaml -o out.h5", "empty.yaml: empty file"},
    {"run " BAD "/binary_nul.yaml -o out.h5", "binary data"},
    {"run missing.yaml -o out.h5", "cannot read 'missing.yaml': No such file"},
    {"run . -o out.h5", "Is a directory"},
    {"check " BAD "/shock_after_last_step.yaml", "'shocks[1].step': 20 is after the last step"},
    /* flags */
    {"run tiny.yaml -o out.h5 --bogus", "unknown or incomplete option '--bogus'"},
    {"run tiny.yaml -o out.h5 -x", "unknown or incomplete option"},
    {"run tiny.yaml -o", "unknown or incomplete option"},
    {"run tiny.yaml -o ''", "-o: empty path, expected a file name"},
    {"run tiny.yaml -o tiny.yaml", "run: -o 'tiny.yaml': it is an input file"},
    {"run tiny.yaml -o ./tiny.yaml", "it is an input file, expected another file name"},
    {"run tiny.yaml -o out.h5 --threads x", "--threads: 'x' is not valid, expected an integer"},
    {"run tiny.yaml -o out.h5 --threads 0", "--threads: '0' is not valid"},
    {"run tiny.yaml -o out.h5 --seed -1", "--seed: 'seed': -1 is out of range"},
    {"run tiny.yaml -o out.h5 --seed abc", "--seed: 'seed': 'abc' is not an integer"},
    {"run tiny.yaml -o out.h5 --consumers 0", "--consumers: 'consumers': 0 is out of range"},
    {"run tiny.yaml -o out.h5 --consumers 1e3", "'1e3' is not an integer"},
    {"run tiny.yaml -o out.h5 --steps 1.5", "--steps: 'steps': '1.5' is not an integer"},
    {"run tiny.yaml -o out.h5 --steps 3", "tiny.yaml (after --steps 3): 'shocks[0].step': 3 is after the last step, expected [0, 2]"},
    {"run tiny.yaml -o out.h5 --set nosuch=1", "--set: 'nosuch': unknown key"},
    {"run tiny.yaml -o out.h5 --set model.nosuch=1", "'model.nosuch': unknown key"},
    {"run tiny.yaml -o out.h5 --set model.p_wom=2", "'model.p_wom': 2 is out of range [0, 1]"},
    {"run tiny.yaml -o out.h5 --set 'brands[zz].quality=0.5'", "'brands[zz].quality': no brand 'zz'"},
    {"run tiny.yaml -o out.h5 --set 'brands[0].norm=friendly'", "'friendly' is not a known value"},
    {"run tiny.yaml -o out.h5 --set 'shocks[0].brands=zz'", "'shocks[0].brands[0]': no brand named 'zz'"},
    {"run tiny.yaml -o out.h5 --set nokey", "expected key.path=value"},
    {"run tiny.yaml -o out.h5 --set", "unknown or incomplete option"},
    {"run tiny.yaml -o out.h5 --set name=a/b", "'name': 'a/b' has a character"},
    /* arguments */
    {"run -o out.h5", "run: expected one scenario file"},
    {"run tiny.yaml tiny.yaml -o out.h5", "run: expected one scenario file"},
    {"run", "run: expected one scenario file"},
    {"check", "check: expected one scenario file"},
    {"check tiny.yaml --bogus", "unknown or incomplete option '--bogus'"},
    {"check tiny.yaml --set steps=0", "'steps': 0 is out of range"},
    {"schema extra", "schema: unexpected argument 'extra'"},
    {"frobnicate", "'frobnicate' is not a command"},
    {"", "usage: brandsim"},
};
#define N_BAD ((int)(sizeof bad / sizeof bad[0]))

static int bad_rows[N_BAD]; /* row numbers: pointers would not survive Criterion's re-exec */

ParameterizedTestParameters(cli, bad_input_exits_2)
{
    for (int i = 0; i < N_BAD; i++) bad_rows[i] = i;
    return cr_make_param_array(int, bad_rows, N_BAD);
}

ParameterizedTest(int *row, cli, bad_input_exits_2)
{
    const bad_args *c = &bad[*row];
    char *out;
    int rc = brandsim(&out, "%s", c->args);
    char *err = last_stderr();
    cr_expect_eq(rc, 2, "brandsim %s: exit %d, expected 2; stderr: %s", c->args, rc, err);
    cr_expect_str_empty(out, "brandsim %s printed on stdout: %s", c->args, out);
    cr_expect_eq(strncmp(err, "brandsim: ", 10) == 0 || strncmp(err, "usage: ", 7) == 0, 1,
                 "brandsim %s: stderr should start with 'brandsim: ': %s", c->args, err);
    cr_expect_not_null(strstr(err, c->what), "brandsim %s: stderr should say \"%s\": %s", c->args,
                       c->what, err);
    cr_expect(!exists("out.h5"), "brandsim %s left out.h5", c->args);
    cr_expect(!exists("out.h5.partial"), "brandsim %s left out.h5.partial", c->args);
    cr_expect(!exists("results"), "brandsim %s created results/", c->args);
    free(out);
    free(err);
}

/* ---- exit code 1: failures at run time --------------------------------------------- */

Test(cli, output_directory_does_not_exist)
{
    char *out;
    cr_expect_eq(brandsim(&out, "run tiny.yaml -o nodir/out.h5"), 1);
    cr_expect_str_empty(out);
    free(out);
    char *err = last_stderr();
    cr_expect_not_null(strstr(err, "nodir/out.h5"), "the message should name the path: %s", err);
    free(err);
    cr_expect(!exists("nodir"), "-o must not create directories");
}

/* -o naming a directory is a bad argument (exit 2), as for every command */
Test(cli, output_is_an_existing_directory)
{
    cr_assert_eq(mkdir(in_dir("sub"), 0755), 0);
    cr_expect_eq(brandsim(NULL, "run tiny.yaml -o sub"), 2);
    cr_expect(is_dir("sub"), "the directory is still there");
    cr_expect(!exists("sub.partial"));
}

Test(cli, default_results_is_a_file)
{
    FILE *f = fopen(in_dir("results"), "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_expect_eq(brandsim(NULL, "run tiny.yaml"), 1);
    cr_expect(!is_dir("results"), "results is still the file it was");
    char *err = last_stderr();
    cr_expect_not_null(strstr(err, "results/tiny.h5"), "%s", err);
    free(err);
}

/* Standard output that cannot be written is a failure, not a success. */
Test(cli, stdout_full)
{
    static const char *const forms[] = {"--version", "--help", "schema", "check tiny.yaml",
                                        "check tiny.yaml --print", "run --help",
                                        "run tiny.yaml -o full.h5"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        cr_expect_eq(brandsim(NULL, "%s >/dev/full", forms[i]), 1, "brandsim %s >/dev/full",
                     forms[i]);
        char *err = last_stderr();
        cr_expect_not_null(strstr(err, "cannot write to standard output"), "brandsim %s: %s",
                           forms[i], err);
        free(err);
    }
}

/* ---- signals --------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Start `brandsim run tiny.yaml -o big.h5` of `consumers` x `steps` in the
   background, in the test's directory, its standard output and error to the
   files named. Returns its pid. */
static pid_t start_big_run(const char *consumers, const char *steps, const char *out_file,
                           const char *err_file)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(99);
        int out = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(99);
        execl(BS_BINARY, "brandsim", "run", "tiny.yaml", "-o", "big.h5", "--consumers", consumers,
              "--steps", steps, (char *)NULL);
        _exit(98);
    }
    return pid;
}

/* Start a long run (200 000 consumers, 1 000 steps: minutes), send `sig`
   `delay` seconds after the partial file appears (or, when wait_partial is 0,
   `delay` seconds after the start), and return its wait status. */
static int interrupted_run(int sig, int wait_partial, double delay)
{
    pid_t pid = start_big_run("200000", "1000", "stdout.txt", "stderr.txt");
    double t0 = now();
    if (wait_partial)
        while (!exists("big.h5.partial") && now() - t0 < 30) sleep_s(0.01);
    int found = exists("big.h5.partial");
    sleep_s(delay);
    kill(pid, sig);
    int status = 0;
    double t1 = now();
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now() - t1 > 30) { /* it did not stop: fail, but do not leave it running */
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            cr_assert_fail("the run did not stop within 30 s of signal %d", sig);
        }
        sleep_s(0.01);
    }
    if (wait_partial) cr_assert(found, "the run never created big.h5.partial");
    return status;
}

static void expect_interrupted(int status, const char *name)
{
    cr_expect(WIFEXITED(status), "the run should exit, not die of a signal (status 0x%x)", status);
    if (WIFEXITED(status)) cr_expect_eq(WEXITSTATUS(status), 1);
    char *err = last_stderr();
    char want[64];
    snprintf(want, sizeof want, "interrupted (%s)", name);
    cr_expect_not_null(strstr(err, want), "stderr: %s", err);
    free(err);
    cr_expect(!exists("big.h5"), "an interrupted run left its output file");
    cr_expect(!exists("big.h5.partial"), "an interrupted run left its partial file");
}

Test(cli, sigint_during_a_run)
{
    expect_interrupted(interrupted_run(SIGINT, 1, 0.5), "SIGINT");
}

Test(cli, sigterm_during_a_run)
{
    expect_interrupted(interrupted_run(SIGTERM, 1, 0.5), "SIGTERM");
}

/* A closed terminal or a dropped ssh session (SIGHUP) is an interruption too. */
Test(cli, sighup_during_a_run)
{
    expect_interrupted(interrupted_run(SIGHUP, 1, 0.5), "SIGHUP");
}

/* A signal as soon as the run starts (while it loads and allocates): it still
   ends with an error and leaves no file. */
Test(cli, sigterm_at_the_start)
{
    int status = interrupted_run(SIGTERM, 0, 0.05);
    cr_expect(!(WIFEXITED(status) && WEXITSTATUS(status) == 0), "exit 0 after SIGTERM");
    cr_expect(!exists("big.h5"));
    cr_expect(!exists("big.h5.partial"));
}

/* Two runs with the same output: the second stops at once, touching neither the
   first one's partial file nor its result, which completes intact. The first is held
   (SIGSTOP, its lock kept) while the second tries, so that neither the machine's speed
   nor the sanitizers decide whether they overlap. */
Test(cli, a_second_run_to_the_same_output_leaves_the_first_intact, .timeout = 120)
{
    pid_t pid = start_big_run("30000", "100", "first.txt", "first-err.txt");
    double t0 = now();
    /* the partial file is created, then locked, then written by HDF5: once it has
     * content the lock is held (held at mere existence, the first run could be
     * stopped before it locks, and the second would rightly take the file) */
    while (!has_content("big.h5.partial") && now() - t0 < 30) sleep_s(0.002);
    kill(pid, SIGSTOP);
    int status = 0;
    if (waitpid(pid, &status, WUNTRACED) == pid && !WIFSTOPPED(status))
        cr_assert_fail("the first run ended before it could be held (status 0x%x)", status);
    cr_assert(exists("big.h5.partial"), "the first run never created big.h5.partial");
    int second = brandsim(NULL, "run tiny.yaml -o big.h5");
    kill(pid, SIGCONT);
    waitpid(pid, &status, 0);
    cr_expect_eq(second, 1, "the second run should fail (exit 1)");
    char *err = last_stderr();
    cr_expect_not_null(strstr(err, "another brandsim is writing it"), "stderr: %s", err);
    free(err);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "the first run should complete (status 0x%x)", status);
    cr_expect_eq(brandsim(NULL, "info big.h5 >/dev/null"), 0, "the first run's file is damaged");
    cr_expect(!exists("big.h5.partial"));
}

/* An output path that exists and is not a regular file is refused, not replaced
   (as root, a rename would replace even a device node). */
Test(cli, output_that_is_not_a_regular_file)
{
    cr_assert_eq(mkfifo(in_dir("pipe"), 0644), 0, "mkfifo: %s", strerror(errno));
    cr_expect_eq(brandsim(NULL, "run tiny.yaml -o pipe"), 2);
    char *err = last_stderr();
    cr_expect_not_null(strstr(err, "exists and is not a regular file"), "stderr: %s", err);
    free(err);
    struct stat st;
    cr_expect(lstat(in_dir("pipe"), &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was replaced");
    cr_expect(!exists("pipe.partial"));
}

/* ---- check --print ------------------------------------------------------------------ */

Test(cli, check_print_is_a_valid_scenario_with_the_overrides)
{
    char *out;
    cr_assert_eq(brandsim(&out, "check tiny.yaml --print --set model.p_wom=0.25 "
                                "--set 'brands[b].quality=0.35' --set 'description=printed \"copy\"'"),
                 0);
    cr_expect_not_null(strstr(out, "  p_wom: 0.25\n"), "%s", out);
    FILE *f = fopen(in_dir("printed.yaml"), "w");
    cr_assert_not_null(f);
    fputs(out, f);
    fclose(f);
    free(out);
    cr_assert_eq(brandsim(&out, "check printed.yaml"), 0, "check does not accept check --print");
    free(out);

    /* it is the scenario with the overrides, nothing more and nothing less */
    bs_scenario *want = calloc(1, sizeof *want), *got = calloc(1, sizeof *got);
    cr_assert(want && got);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load(TINY, want, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_set(want, "model.p_wom=0.25", &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_set(want, "brands[b].quality=0.35", &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_set(want, "description=printed \"copy\"", &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_validate(want, NULL, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_load(in_dir("printed.yaml"), got, &err), BS_OK, "%s", err.msg);
    cr_expect_eq(got->model.p_wom, 0.25);
    cr_expect_eq(got->brands[1].quality, 0.35);
    cr_expect_str_eq(got->description, "printed \"copy\"");
    cr_expect(memcmp(want, got, sizeof *want) == 0,
              "the printed scenario differs from the scenario with its overrides");
    free(want);
    free(got);

    /* printing it again gives the same text */
    char *again, *first = slurp(in_dir("printed.yaml"), NULL);
    cr_assert_eq(brandsim(&again, "check printed.yaml --print"), 0);
    cr_expect_str_eq(again, first);
    free(again);
    free(first);
}

/* ---- overrides in the output --------------------------------------------------------- */

Test(cli, overrides_are_recorded)
{
    cr_assert_eq(brandsim(NULL, "run tiny.yaml -o o.h5 -q --seed 77 --steps 8 --set model.p_wom=0.3 "
                                "--set 'brands[a].quality=0.9'"),
                 0);
    hid_t f = open_h5("o.h5");
    char *ov = attr_string(f, "/", "overrides");
    cr_expect_str_eq(ov, "seed=77\nsteps=8\nmodel.p_wom=0.3\nbrands[a].quality=0.9");
    free(ov);
    uint64_t seed = 0;
    int steps = 0;
    attr_read(f, "seed", H5T_NATIVE_UINT64, &seed);
    attr_read(f, "steps", H5T_NATIVE_INT, &steps);
    cr_expect_eq(seed, 77);
    cr_expect_eq(steps, 8);
    /* the scenario as run, with the overrides in it */
    char *yaml = attr_string(f, "/", "scenario");
    bs_scenario *sc = calloc(1, sizeof *sc);
    cr_assert_not_null(sc);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(yaml, strlen(yaml), "o.h5@scenario", sc, &err), BS_OK, "%s",
                 err.msg);
    cr_expect_eq(sc->seed, 77);
    cr_expect_eq(sc->steps, 8);
    cr_expect_eq(sc->model.p_wom, 0.3);
    cr_expect_eq(sc->brands[0].quality, 0.9);
    cr_expect_eq(sc->consumers, 2000, "not overridden: as in the file");
    free(sc);
    free(yaml);
    char *cmd = attr_string(f, "/provenance", "command_line");
    cr_expect_not_null(strstr(cmd, "--seed 77"), "%s", cmd);
    free(cmd);
    H5Fclose(f);

    /* and as h5dump shows it */
    char *dump;
    int rc = shell(&dump, "h5dump -a /overrides o.h5");
    cr_assert_eq(rc, 0, "h5dump failed (hdf5-tools installed?)");
    cr_expect_not_null(strstr(dump, "seed=77"), "%s", dump);
    cr_expect_not_null(strstr(dump, "brands[a].quality=0.9"), "%s", dump);
    free(dump);
}

Test(cli, no_overrides_recorded_as_empty)
{
    cr_assert_eq(brandsim(NULL, "run tiny.yaml -o o.h5 -q"), 0);
    hid_t f = open_h5("o.h5");
    char *ov = attr_string(f, "/", "overrides");
    cr_expect_str_empty(ov, "overrides: '%s'", ov);
    free(ov);
    uint64_t seed = 0;
    attr_read(f, "seed", H5T_NATIVE_UINT64, &seed);
    cr_expect_eq(seed, 11, "the file's seed");
    H5Fclose(f);
}

/* A repeated --seed: the last one counts, and is recorded once. */
Test(cli, repeated_flag_last_wins)
{
    cr_assert_eq(brandsim(NULL, "run tiny.yaml -o o.h5 -q --seed 1 --seed 2 --seed 3 --seed 4"), 0);
    hid_t f = open_h5("o.h5");
    char *ov = attr_string(f, "/", "overrides");
    cr_expect_str_eq(ov, "seed=4");
    free(ov);
    uint64_t seed = 0;
    attr_read(f, "seed", H5T_NATIVE_UINT64, &seed);
    cr_expect_eq(seed, 4);
    H5Fclose(f);
}
