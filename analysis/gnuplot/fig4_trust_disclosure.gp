# fig4_trust_disclosure.gp: figure 4, trust in each brand (confidence in its
# ability, belief in its benevolence), the share of personal data disclosed
# to it, and the market's willingness to share location and browsing data.
# Filled in by analysis/plot.c (see fig1_market_share.gp).
set multiplot layout 2,2 margins 0.075, 0.78 - keyshrink, evbottom + 0.08, 0.87 - titleshift spacing 0.085, 0.11 title fig_title font ",17"
set key at screen 0.795 - keyshrink, screen keytop left top Left reverse
set yrange [0:1]
unset xlabel
set title "confidence (trust in ability)" font ",14"
set ylabel "mean, 0-1 scale"
@EVENTS@
@EVENTNOTE@
@PLOT mean_confidence@
unset key
set title "benevolence (trust in intentions)" font ",14"
@EVENTS@
@PLOT mean_benevolence@
set xlabel "time (days)"
set title "disclosure (share of personal data given)" font ",14"
@EVENTS@
@PLOT mean_disclosure@
set title "whole market: willing to share" font ",14"
set ylabel "% of consumers"
set yrange [0:100]
set key inside right top Left reverse box opaque
@EVENTS@
@PLOTMARKET willing_location,willing_browsing scale=100@
unset multiplot
