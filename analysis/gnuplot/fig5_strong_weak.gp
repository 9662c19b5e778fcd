# fig5_strong_weak.gp: figure 5, love becomes hate: relationships that were
# strong before the first shock against weak ones, at the brands the shocks
# hit. Rows are measures (quality, desire for revenge, desire for
# avoidance), columns are segments; a row shares one y range so that the
# segments compare at a glance. Filled in by analysis/plot.c (see
# fig1_market_share.gp).
set multiplot layout 3,2 margins 0.085, 0.80 - keyshrink, evbottom + 0.07, 0.88 - titleshift spacing 0.07, 0.075 title fig_title font ",17"
set key at screen 0.815 - keyshrink, screen keytop left top Left reverse
unset xlabel
q = @MAX mean_quality strong,weak brands=focal@
set yrange [0:(q > 0 ? q * 1.12 : 1)]
set title "strong relationships (before the first shock)" font ",14"
set ylabel "relationship quality R (0-1)"
@EVENTS@
@EVENTNOTE@
@PLOT mean_quality seg=strong brands=focal@
unset key
set title "weak relationships (before the first shock)" font ",14"
unset ylabel
@EVENTS@
@PLOT mean_quality seg=weak brands=focal@
unset title
r = @MAX mean_revenge strong,weak brands=focal@
set yrange [0:(r > 0 ? r * 1.12 : 1)]
set ylabel "desire for revenge (0-1)"
@EVENTS@
@PLOT mean_revenge seg=strong brands=focal@
unset ylabel
@EVENTS@
@PLOT mean_revenge seg=weak brands=focal@
a = @MAX mean_avoidance strong,weak brands=focal@
set yrange [0:(a > 0 ? a * 1.12 : 1)]
set ylabel "desire for avoidance (0-1)"
set xlabel "time (days)"
@EVENTS@
@PLOT mean_avoidance seg=strong brands=focal@
unset ylabel
@EVENTS@
@PLOT mean_avoidance seg=weak brands=focal@
unset multiplot
