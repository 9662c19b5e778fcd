/* SPDX-License-Identifier: MIT */
/*
 * test_bench.c: `brandsim bench --quick` as a correctness check (issue #5):
 * it completes, its JSON parses, and every figure is positive and consistent
 * (relationship updates = consumer-steps x slots; efficiency = speed-up /
 * threads; the share of the compute floor = updates / floor). No timing
 * thresholds: speed is reported, never asserted.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#define PY "/usr/bin/python3"

static const char *check_py =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    "assert d['stream_triad_gbs']>0 and d['cores']>=1\n"
    "w=d['workloads']; assert [x['name'] for x in w]==['market-100k'], w\n"
    "x=w[0]; assert x['consumers']==100000 and x['steps']==3 and x['slots']==4 and x['brands']==20\n"
    "assert 50<x['bytes_per_consumer']<400 and x['peak_rss_mib']>0\n"
    "assert [r['threads'] for r in x['runs']]==[1,2]\n"
    "for r in x['runs']:\n"
    "  for k in ('step_s','write_s','consumer_steps_per_s','relationship_updates_per_s',"
    "'ns_per_update_per_thread','speedup','efficiency','state_traffic_gbs',"
    "'floor_updates_per_s','floor_fraction'):\n"
    "    assert r[k]>0,(k,r[k])\n"
    "  assert abs(r['relationship_updates_per_s']-4*r['consumer_steps_per_s'])<1e-6*r['relationship_updates_per_s']\n"
    "  assert abs(r['efficiency']-r['speedup']/r['threads'])<1e-3\n"
    "  assert abs(r['floor_fraction']-r['relationship_updates_per_s']/r['floor_updates_per_s'])<1e-3\n"
    "  assert 0<r['hdf5_share']<1\n"
    "  assert r['repeats']==1 and r['consumer_steps_per_s_min']==r['consumer_steps_per_s']==r['consumer_steps_per_s_max']\n"
    "assert x['runs'][0]['speedup']==1\n";

Test(bench, quick_run_writes_consistent_json)
{
    char dir[] = "/tmp/bs_bench_XXXXXX", cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' bench --quick --steps 3 --threads 1,2 --json b.json --dir '%s' "
             ">out.txt 2>err.txt",
             dir, BS_BINARY, dir);
    cr_assert_eq(system(cmd), 0, "bench failed: see %s/err.txt", dir);
    FILE *f = fopen("/tmp/bs_bench_check.py", "w");
    cr_assert_not_null(f);
    fputs(check_py, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, PY " /tmp/bs_bench_check.py '%s/b.json'", dir);
    cr_expect_eq(system(cmd), 0, "JSON does not hold the expected figures");
    snprintf(cmd, sizeof cmd,
             "grep -q 'consumer-steps/s' '%s/out.txt' && grep -q triad '%s/out.txt' && "
             "grep -q 'of floor' '%s/out.txt'",
             dir, dir, dir);
    cr_expect_eq(system(cmd), 0, "the table is missing from stdout");
    snprintf(cmd, sizeof cmd, "test -z \"$(ls '%s' | grep brandsim-bench)\"", dir);
    cr_expect_eq(system(cmd), 0, "bench left its temporary output behind");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(bench, bad_flags_exit_2)
{
    char cmd[512];
    const char *bad[] = {"--threads 0", "--threads 1,x", "--steps 0", "--workload nope",
                         "--repeat 0", "--repeat 2x", "--bogus", "extra"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(cmd, sizeof cmd, "'%s' bench %s >/dev/null 2>&1", BS_BINARY, bad[k]);
        int rc = system(cmd);
        cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "bench %s: exit %d", bad[k], WEXITSTATUS(rc));
    }
}

/* --json: a path that cannot be written fails before anything is measured; a
   bench that fails leaves an earlier JSON file as it was, and no .partial. */
Test(bench, json_written_whole_or_not_at_all)
{
    char dir[] = "/tmp/bs_bench_XXXXXX", cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' bench --quick --steps 2 --threads 1 --json nodir/b.json "
             ">out.txt 2>err.txt; test $? -eq 1 && grep -q \"cannot write 'nodir/b.json'\" "
             "err.txt && ! grep -q 'thread\\.\\.\\.' err.txt",
             dir, BS_BINARY);
    cr_expect_eq(system(cmd), 0, "--json into a missing folder: see %s/err.txt", dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && echo '{\"old\": 1}' >b.json && '%s' bench --quick --steps 2 "
             "--threads 1 --json b.json --dir nodir >out.txt 2>err.txt; test $? -eq 1 && "
             "test \"$(cat b.json)\" = '{\"old\": 1}' && ! test -e b.json.partial",
             dir, BS_BINARY);
    cr_expect_eq(system(cmd), 0, "a failed bench replaced or damaged b.json: see %s", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Without a 1-thread run there is no speed-up to report: null, never assumed. */
Test(bench, no_speedup_without_a_one_thread_run)
{
    char dir[] = "/tmp/bs_bench_XXXXXX", cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' bench --quick --steps 2 --threads 2 --json b.json --dir '%s' "
             ">out.txt 2>err.txt && " PY " -c \"import json; r=json.load(open('b.json'))"
             "['workloads'][0]['runs'][0]; assert r['threads']==2 and r['speedup'] is None "
             "and r['efficiency'] is None, r\"",
             dir, BS_BINARY, dir);
    cr_expect_eq(system(cmd), 0, "speed-up reported without a 1-thread baseline (see %s)", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* --repeat N: each thread count runs N times; the figures are the median run's,
 * with the slowest and fastest beside them. */
Test(bench, repeat_reports_the_median_run_and_the_range)
{
    char dir[] = "/tmp/bs_bench_XXXXXX", cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' bench --quick --steps 2 --threads 1,2 --repeat 3 --json b.json "
             "--dir '%s' >out.txt 2>err.txt && grep -q 'median of 3 runs' out.txt && " PY
             " -c \"import json; rs=json.load(open('b.json'))['workloads'][0]['runs']; "
             "assert [r['threads'] for r in rs]==[1,2], rs; "
             "assert all(r['repeats']==3 and 0<r['consumer_steps_per_s_min']<="
             "r['consumer_steps_per_s']<=r['consumer_steps_per_s_max'] for r in rs), rs; "
             "s=rs[1]['consumer_steps_per_s']/rs[0]['consumer_steps_per_s']; "
             "assert abs(rs[1]['speedup']-s)<1e-3\"",
             dir, BS_BINARY, dir);
    cr_expect_eq(system(cmd), 0, "--repeat 3: see %s", dir);
    snprintf(cmd, sizeof cmd, "test $(grep -c again '%s/err.txt') -eq 4", dir);
    cr_expect_eq(system(cmd), 0, "--repeat 3 with two thread counts should run 6 times");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}
