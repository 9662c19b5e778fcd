# fig1_market_share.gp: figure 1, each brand's market share over time, with
# the shocks and the brands' responses marked and numbered (the numbers are
# listed under the plot). Filled in by analysis/plot.c: gnuplot variables
# fig_title, evbottom, keytop, keyshrink (the legend's extra width) and
# titleshift (a subtitle on two lines) are set before this file; @...@ directives
# are replaced by data and plot commands (see plot.c).
set multiplot title fig_title font ",17"
set lmargin at screen 0.085
set rmargin at screen 0.80 - keyshrink
set bmargin at screen evbottom + 0.10
set tmargin at screen 0.86 - titleshift
set key at screen 0.815 - keyshrink, screen keytop left top Left reverse
set ylabel "market share (% of purchases)"
set yrange [0:*]
@EVENTS@
@EVENTNOTE@
@PLOT market_share scale=100@
unset multiplot
