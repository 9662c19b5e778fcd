# style.gp: the look shared by every brandsim figure. analysis/plot.c puts it
# in front of each figure template, after the terminal is set.
#
# One palette for all figures, a brand keeps its line style everywhere: brand
# b (0-based, in /brands order) is line style b % 8 + 1. Colours are Okabe &
# Ito's colour-blind-safe set (its yellow replaced by a dark brown, which
# shows on white); each style also has its own dash type and point type, so a
# figure printed in grey still tells the lines apart.
set encoding utf8
set termoption noenhanced
set border 3 lw 1 lc rgb "#404040"
set tics nomirror out scale 0.6 textcolor rgb "#202020"
set grid xtics ytics lc rgb "#e3e3e3" lw 1 dt 1
set key noautotitle samplen 3.5 spacing 1.15 textcolor rgb "#202020"
set style line 1 lc rgb "#0072B2" lw 2.2 dt 1          pt 7  ps 1.1   # blue, solid, disc
set style line 2 lc rgb "#D55E00" lw 2.2 dt (10,5)     pt 5  ps 1.0   # vermillion, dashed, square
set style line 3 lc rgb "#009E73" lw 2.2 dt (3,4)      pt 9  ps 1.2   # green, dotted, triangle
set style line 4 lc rgb "#CC79A7" lw 2.2 dt (12,4,3,4) pt 11 ps 1.2   # purple, dash-dot, triangle down
set style line 5 lc rgb "#E69F00" lw 2.2 dt (20,6)     pt 13 ps 1.2   # orange, long dash, diamond
set style line 6 lc rgb "#56B4E9" lw 2.2 dt 1          pt 6  ps 1.1   # sky blue, solid, circle
set style line 7 lc rgb "#000000" lw 2.2 dt (6,3,2,3,2,3) pt 4 ps 1.0 # black, dash-dot-dot, open square
set style line 8 lc rgb "#8C510A" lw 2.2 dt (2,3)      pt 8  ps 1.2   # brown, fine dots, open triangle
# market-wide series (no brand): black solid and grey dashed
set style line 9  lc rgb "#000000" lw 2.2 dt 1      pt 7 ps 1.0
set style line 10 lc rgb "#777777" lw 2.2 dt (10,5) pt 4 ps 1.0
# event markers: shocks (dark, solid) and the brand's responses (grey, dashed)
set style line 20 lc rgb "#303030" lw 1.3 dt 1
set style line 21 lc rgb "#707070" lw 1.6 dt (8,5)
set style fill transparent solid 0.18 noborder
set xlabel "time (days)"
set xrange [0:*]
set offsets 0, 0, graph 0.08, 0
