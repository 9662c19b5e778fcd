# fig7_prior_strength.gp: figure 7, by prior relationship strength: the
# relationships of the brands the shocks hit, in quantile bins of their
# quality R at the first shock (strength_quantiles; q1 the weakest), one line
# per bin, the brands together: how much each bin buys, how much revenge it
# takes and feels, and how many leave, per relationship of the bin. Filled in
# by analysis/plot.c (see fig1_market_share.gp).
set multiplot layout 2,2 margins 0.075, 0.78 - keyshrink, evbottom + 0.08, 0.87 - titleshift spacing 0.085, 0.11 title fig_title font ",17"
set key at screen 0.795 - keyshrink, screen keytop left top Left reverse
set yrange [0:*]
unset xlabel
set title "purchases per relationship" font ",14"
set ylabel "purchases per step"
@EVENTS@
@EVENTNOTE@
@PLOTBINS purchases per=relationships brands=focal@
unset key
set title "revenge acts per relationship" font ",14"
set ylabel "acts per step"
@EVENTS@
@PLOTBINS revenge_acts per=relationships brands=focal@
set xlabel "time (days)"
set title "desire for revenge (current and former)" font ",14"
set ylabel "mean, 0-1 scale"
@EVENTS@
@PLOTBINS mean_revenge brands=focal@
set title "exits per relationship" font ",14"
set ylabel "exits per step"
@EVENTS@
@PLOTBINS exits per=relationships brands=focal@
unset multiplot
