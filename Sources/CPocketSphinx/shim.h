#ifndef WARMLINE_CPOCKETSPHINX_SHIM_H
#define WARMLINE_CPOCKETSPHINX_SHIM_H
#include <pocketsphinx.h>
#endif
