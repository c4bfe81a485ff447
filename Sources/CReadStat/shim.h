// ReadStat (https://github.com/WizardMac/ReadStat, Debian: libreadstat-dev): reads and writes SPSS (.sav,
// .zsav, .por), Stata (.dta) and SAS (.sas7bdat, .xpt) files. Debian ships no pkg-config file for it, so the
// module map links it by name.
#ifndef WEIGHTING_CREADSTAT_SHIM_H
#define WEIGHTING_CREADSTAT_SHIM_H
#include <readstat.h>
#endif
