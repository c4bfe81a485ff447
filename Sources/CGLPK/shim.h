// GNU Linear Programming Kit (Debian libglpk-dev ships its C header): the LP solver behind the bound advisor.
#ifndef WEIGHTING_CGLPK_SHIM_H
#define WEIGHTING_CGLPK_SHIM_H
#include <glpk.h>
#endif
