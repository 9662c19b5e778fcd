/* SPDX-License-Identifier: MIT */
/*
 * cli_signals.c: SIGINT, SIGTERM and SIGHUP for the commands that write
 * files (run, replicate, plot, compare, export, report). Caught, not fatal:
 * the command stops at its next checkpoint (between steps, figures or
 * series), removes what it had half written and exits 1, so that no
 * .partial file or temporary folder is left behind.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

volatile sig_atomic_t cli_stop_signal = 0;

static void on_signal(int sig)
{
    cli_stop_signal = sig;
}

void cli_catch_stop_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* a closed terminal or a dropped ssh session */
}

const char *cli_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}

bs_cancel cli_cancel(void)
{
    return (bs_cancel){&cli_stop_signal};
}

int cli_fail_stopped(const bs_error *err, const char *what)
{
    if (!cli_stop_signal)
        return cli_fail(err);
    const char *sig = cli_signal_name(cli_stop_signal), *m = err->msg;
    if (!strncmp(m, "interrupted", 11))
        fprintf(stderr, "brandsim: interrupted (%s)%s; %s\n", sig, m + 11, what);
    else
        fprintf(stderr, "brandsim: %s (%s); %s\n", m, sig, what);
    return BS_EXIT_RUNTIME;
}
