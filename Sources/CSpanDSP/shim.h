#ifndef WARMLINE_CSPANDSP_SHIM_H
#define WARMLINE_CSPANDSP_SHIM_H
// spandsp.h needs tiffio.h and the C99 integer/float headers first.
#include <stdint.h>
#include <inttypes.h>
#include <tiffio.h>
#include <spandsp.h>
#endif
