# fig2_loyalty.gp: figure 2, loyalty: the repeat-purchase rate, the active
# customers, and the consumers defecting out of and into each brand.
# Filled in by analysis/plot.c (see fig1_market_share.gp).
set multiplot layout 2,2 margins 0.075, 0.78 - keyshrink, evbottom + 0.08, 0.87 - titleshift spacing 0.085, 0.11 title fig_title font ",17"
set key at screen 0.795 - keyshrink, screen keytop left top Left reverse
unset xlabel
set title "repeat-purchase rate (loyalty)" font ",14"
set ylabel "% of the brand's purchases"
set yrange [0:*]
@EVENTS@
@EVENTNOTE@
@PLOT repeat_rate scale=100@
unset key
set title "active customers" font ",14"
set ylabel "consumers"
@EVENTS@
@PLOT active_customers@
set xlabel "time (days)"
set title "defections out (bought elsewhere next)" font ",14"
set ylabel "consumers per step"
@EVENTS@
@PLOT defections_out@
set title "defections in (came from another brand)" font ",14"
set ylabel "consumers per step"
@EVENTS@
@PLOT defections_in@
unset multiplot
