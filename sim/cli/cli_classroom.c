/* SPDX-License-Identifier: MIT */
/*
 * cli_classroom.c: `brandsim classroom`, the breach-response game served to a
 * class (docs/CLASSROOM.md): starts the server (sim/classroom/) on a
 * scenario, or resumes the class saved in --state DIR, prints the links, and
 * serves until stopped (Ctrl-C); --replay plays a saved class's every round
 * again and writes its export.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classroom/class.h"
#include "classroom/export.h"
#include "classroom/server.h"
#include "classroom/store.h"
#include "cli/cli.h"

static void classroom_usage(FILE *out)
{
    fputs("usage: brandsim classroom SCENARIO.yaml [options]\n"
          "       brandsim classroom --state DIR [options]      (resume a saved class)\n"
          "       brandsim classroom --replay DIR/class.json -o OUT\n"
          "\n"
          "Serve the breach-response game to a class: a teacher's page, a page per team\n"
          "(students join with a code on their phones or laptops), a projector view and a\n"
          "debrief. Each round is a quarter of weekly steps; each team is scored against\n"
          "what its brand would have made had it changed nothing. docs/CLASSROOM.md is the\n"
          "instructor's guide.\n"
          "\n"
          "options:\n"
          "  --port N          port to listen on (default 8080; 0: any free port)\n"
          "  --bind ADDR       address to listen on (default 0.0.0.0: the whole LAN;\n"
          "                    127.0.0.1: this machine only)\n"
          "  --markets M       parallel markets, 1 to 8 (default 1); teams are spread\n"
          "                    over them, computer brands fill the empty seats\n"
          "  --round-weeks N   weekly steps per round (default 13, a quarter)\n"
          "  --state DIR       keep the class in DIR (saved after every join, phase and\n"
          "                    round; started again on DIR, it resumes at the last round);\n"
          "                    the export DIR/game.h5 and DIR/game.csv is written after\n"
          "                    every round\n"
          "  --solo            one player against computer brands, in competition at once\n"
          "  --threads T       threads per market run (default: all)\n"
          "  --replay FILE     play the rounds of a saved class (DIR/class.json) again and\n"
          "                    write the export to -o OUT (OUT.h5, OUT.csv): byte for byte\n"
          "                    what the live game wrote\n"
          "  -o OUT            with --replay: the export's name, without extension\n"
          "  -h, --help        this help\n",
          out);
}

/* This machine's first IPv4 address on the LAN (not loopback), into host; 0 if none. */
static int lan_address(char *host, size_t n)
{
    struct ifaddrs *all, *i;
    int found = 0;
    if (getifaddrs(&all))
        return 0;
    for (i = all; i && !found; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
            !(i->ifa_flags & IFF_LOOPBACK))
            found = inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, host,
                              (socklen_t)n) != NULL;
    freeifaddrs(all);
    return found;
}

static int replay(const char *file, const char *out, int threads)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (!slash ? strcmp(file, "class.json") : strcmp(slash + 1, "class.json")) {
        fprintf(stderr, "brandsim classroom: --replay %s: expected a state folder's class.json "
                        "(its scenario.yaml beside it)\n", file);
        return BS_EXIT_INPUT;
    }
    cls_options opt = {.markets = 1, .threads = threads};
    bs_error err = {0};
    cls_class *c = store_resume(dir, &opt, &err);
    if (!c)
        return cli_fail(&err);
    char why[512];
    int rc = cls_export(c, out, why, sizeof why);
    cls_free(c);
    if (rc) {
        fprintf(stderr, "brandsim classroom: %s\n", why);
        return BS_EXIT_RUNTIME;
    }
    printf("replayed %s: wrote %s.h5 and %s.csv\n", file, out, out);
    return cli_flush_stdout();
}

int cli_classroom(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, 0, 'p'},     {"bind", required_argument, 0, 'b'},
        {"markets", required_argument, 0, 'm'},  {"round-weeks", required_argument, 0, 'w'},
        {"state", required_argument, 0, 's'},    {"solo", no_argument, 0, 'S'},
        {"threads", required_argument, 0, 't'},  {"replay", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    int port = 8080, markets = 1, weeks = 13, solo = 0, threads = 0, o;
    const char *bind = NULL, *state = NULL, *replay_file = NULL, *out = NULL;
    char *end;
    optind = 1;
    while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        long v = 0;
        if (strchr("pmwt", o)) {
            v = optarg ? strtol(optarg, &end, 10) : 0;
            if (!optarg || *end || v < 0 || v > 65535) {
                fprintf(stderr, "brandsim classroom: --%s '%s': expected a whole number\n",
                        o == 'p' ? "port" : o == 'm' ? "markets" : o == 'w' ? "round-weeks"
                                                                            : "threads",
                        optarg ? optarg : "");
                return BS_EXIT_INPUT;
            }
        }
        switch (o) {
        case 'p': port = (int)v; break;
        case 'b': bind = optarg; break;
        case 'm': markets = (int)v; break;
        case 'w': weeks = (int)v; break;
        case 's': state = optarg; break;
        case 'S': solo = 1; break;
        case 't': threads = (int)v; break;
        case 'r': replay_file = optarg; break;
        case 'o': out = optarg; break;
        case 'h': classroom_usage(stdout); return cli_flush_stdout();
        default: classroom_usage(stderr); return BS_EXIT_INPUT;
        }
    }
    if (replay_file) {
        if (!out || optind < argc) {
            fprintf(stderr, "brandsim classroom: --replay needs -o OUT and no scenario\n");
            return BS_EXIT_INPUT;
        }
        return replay(replay_file, out, threads);
    }
    if (weeks < 1) {
        fprintf(stderr, "brandsim classroom: --round-weeks %d: expected 1 or more\n", weeks);
        return BS_EXIT_INPUT;
    }
    char why[512];
    if (state && store_exists(state) && store_lock(state, why, sizeof why)) {
        fprintf(stderr, "brandsim classroom: --state %s\n", why);
        return BS_EXIT_RUNTIME;
    }
    const int resume = state && store_exists(state);
    if ((optind >= argc && !resume) || optind < argc - 1) {
        fprintf(stderr, "brandsim classroom: expected one scenario file%s\n",
                state ? " (or a --state folder holding a saved class)" : "");
        classroom_usage(stderr);
        return BS_EXIT_INPUT;
    }
    cls_options copt = {markets, weeks, threads, solo, NULL, NULL};
    bs_error err = {0};
    cls_class *c = NULL;
    if (resume) {
        if (optind < argc)
            fprintf(stderr, "brandsim classroom: %s holds a saved class: resuming it (the "
                            "scenario given is not used)\n", state);
        c = store_resume(state, &copt, &err);
        if (!c)
            return cli_fail(&err);
    } else {
        bs_scenario *sc = malloc(sizeof *sc);
        cli_overrides none = {0};
        int rc = sc ? cli_load_scenario(argv[optind], &none, sc) : BS_EXIT_RUNTIME;
        if (!rc && !(c = cls_new(sc, &copt, &err)))
            rc = cli_fail(&err);
        if (!rc && state && store_open(state, sc, why, sizeof why)) {
            fprintf(stderr, "brandsim classroom: --state %s\n", why);
            rc = BS_EXIT_RUNTIME;
        }
        free(sc);
        if (rc) {
            cls_free(c);
            return rc;
        }
    }
    char export_to[4200];
    if (state) {
        snprintf(export_to, sizeof export_to, "%s/game", state);
        cls_on_change(c, store_save, (void *)state);
        if (store_save(c, (void *)state)) {
            fprintf(stderr, "brandsim classroom: cannot save the class in %s\n", state);
            cls_free(c);
            return BS_EXIT_RUNTIME;
        }
    }
    cls_server_opts sopt = {port, bind, state ? export_to : NULL};
    cls_server *s = cls_server_start(c, &sopt, why, sizeof why);
    if (!s) {
        fprintf(stderr, "brandsim classroom: %s\n", why);
        cls_free(c);
        return BS_EXIT_RUNTIME;
    }
    char host[64] = "localhost";
    if (bind && strcmp(bind, "0.0.0.0"))
        snprintf(host, sizeof host, "%s", bind);
    else
        lan_address(host, sizeof host); /* what the students' devices reach */
    const int p = cls_server_port(s);
    printf("brandsim classroom: %s (%d market%s%s), %s\n", cls_scenario(c)->name,
           cls_markets(c), cls_markets(c) > 1 ? "s" : "", solo ? ", solo" : "",
           resume ? "resumed" : "new class");
    printf("  students join at   http://%s:%d/   with the code %s\n", host, p, cls_code(c));
    printf("  teacher's page     http://%s:%d/teacher#key=%s\n", host, p, cls_key(c));
    printf("  projector          http://%s:%d/projector#code=%s\n", host, p, cls_code(c));
    if ((!bind || !strcmp(bind, "0.0.0.0")) && !strcmp(host, "localhost"))
        printf("  (no network found: other machines reach this one by its address)\n");
    if (state)
        printf("  saved in %s/ (resume: brandsim classroom --state %s --port %d%s%s)\n", state,
               state, p, bind ? " --bind " : "", bind ? bind : "");
    printf("Ctrl-C stops the server.\n");
    fflush(stdout);
    cli_catch_stop_signals();
    const struct timespec nap = {0, 200 * 1000 * 1000};
    while (!cli_stop_signal)
        nanosleep(&nap, NULL);
    cls_server_stop(s);
    cls_free(c);
    fprintf(stderr, "brandsim classroom: stopped (%s)%s\n", cli_signal_name(cli_stop_signal),
            state ? "; the class is saved" : "");
    return BS_EXIT_OK;
}
