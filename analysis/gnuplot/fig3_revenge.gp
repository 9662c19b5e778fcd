# fig3_revenge.gp: figure 3, revenge acts of each kind against each brand,
# and the consumers who avoid it. Filled in by analysis/plot.c (see
# fig1_market_share.gp).
set multiplot layout 2,2 margins 0.075, 0.78 - keyshrink, evbottom + 0.08, 0.87 - titleshift spacing 0.085, 0.11 title fig_title font ",17"
set key at screen 0.795 - keyshrink, screen keytop left top Left reverse
set yrange [0:*]
unset xlabel
set title "negative word of mouth" font ",14"
set ylabel "acts per step"
@EVENTS@
@EVENTNOTE@
@PLOT revenge_wom@
unset key
set title "withholding personal data" font ",14"
set ylabel "acts per step"
@EVENTS@
@PLOT revenge_withhold@
set xlabel "time (days)"
set title "anti-brand actions" font ",14"
set ylabel "acts per step"
@EVENTS@
@PLOT revenge_antibrand@
set title "consumers avoiding the brand" font ",14"
set ylabel "consumers"
@EVENTS@
@PLOT avoiding@
unset multiplot
