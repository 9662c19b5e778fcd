# fig6_post_exit.gp: figure 6, after the exit: the brands that end
# relationships (a forced exit, or an exit policy), their former customers,
# the shame those feel, and the anti-brand actions and desire for revenge
# that follow; the legend names each brand's exit policy (clean break,
# win-back campaigns, none). Filled in by analysis/plot.c (see
# fig1_market_share.gp).
set multiplot layout 2,2 margins 0.075, 0.76 - keyshrink, evbottom + 0.08, 0.87 - titleshift spacing 0.085, 0.11 title fig_title font ",17"
set key at screen 0.775 - keyshrink, screen keytop left top Left reverse
set yrange [0:*]
unset xlabel
set title "former customers" font ",14"
set ylabel "consumers"
@EVENTS@
@EVENTNOTE@
@PLOT former_customers brands=exit@
unset key
set title "post-exit shame (former customers)" font ",14"
set ylabel "mean, 0-1 scale"
@EVENTS@
@PLOT mean_shame brands=exit@
set xlabel "time (days)"
set title "anti-brand actions" font ",14"
set ylabel "acts per step"
@EVENTS@
@PLOT revenge_antibrand brands=exit@
set title "desire for revenge (current and former)" font ",14"
set ylabel "mean, 0-1 scale"
@EVENTS@
@PLOT mean_revenge brands=exit@
unset multiplot
