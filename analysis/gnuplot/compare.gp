# compare.gp: the overlay of `brandsim compare`: one metric of the chosen
# brands, one line per run or variant (mean and, with replicates, the
# shaded 95 % CI), one panel per brand. Filled in by analysis/plot.c: the
# variables fig_title, evbottom, keytop, keyshrink, titleshift, rows and cols are set before this
# file, and @PANELS@ becomes one plot per brand.
set multiplot layout rows, cols margins 0.085, 0.80 - keyshrink, evbottom + 0.09, 0.83 - titleshift spacing 0.085, 0.12 title fig_title font ",17"
set key at screen 0.815 - keyshrink, screen keytop left top Left reverse
set yrange [0:*]
@PANELS@
unset multiplot
