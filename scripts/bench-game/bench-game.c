/* SPDX-License-Identifier: MIT */
/*
 * bench-game.c: the time of a classroom round (issue 20 target: under 2 s for a 6-team,
 * 50 000-consumer market): the first six brands of SCENARIO held by teams, each changing
 * its price every round, a round = the market and six counterfactuals stepping 13 steps.
 * Built and run by scripts/bench-game/run.sh against build/libbrandsim.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "brandsim/brandsim.h"
#include "brandsim/game.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
int main(int argc, char **argv)
{
  (void)argc;
  bs_scenario *sc=malloc(sizeof *sc); bs_error err={0};
  const char *sets[]={"consumers=50000","steps=104"};
  bs_variants v; bs_overrides ov={sets,NULL,2};
  if(bs_scenario_load_overridden(argv[1],&ov,sc,&v,&err)){fprintf(stderr,"%s\n",err.msg);return 1;}
  const char *teams[6]; for(int j=0;j<6;j++) teams[j]=sc->brands[j].name;
  double a=now(); bs_game *g=bs_game_new(sc,teams,6,NULL,&err); if(!g){fprintf(stderr,"%s\n",err.msg);return 1;}
  printf("new: %.2f s\n",now()-a);
  for(int r=0;r<bs_game_rounds(g);r++){
    for(int j=0;j<6;j++){char p[64];snprintf(p,64,"price=%.2f",1.0+0.02*((r+j)%5));const char*s[]={p};bs_game_decide(g,j,s,1,&err);}
    a=now(); if(bs_game_play(g,&err)){fprintf(stderr,"%s\n",err.msg);return 1;} printf("round %d: %.2f s\n",r+1,now()-a);
  }
  bs_game_free(g); return 0;}
