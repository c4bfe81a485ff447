// libxlsxwriter (Debian: libxlsxwriter-dev): writes Excel .xlsx workbooks.
#ifndef WEIGHTING_CXLSXWRITER_SHIM_H
#define WEIGHTING_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
